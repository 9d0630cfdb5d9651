/**
 * The people of one school on Contacts (list → row → form): who is the contact person, who follows
 * along (no bottleneck: at least two people per school), how to reach them; with Edit, Delete and
 * the history of each, and adding a person. One person form is open at a time on the page, so
 * every label stays unique.
 */
import { useTranslation } from 'react-i18next'
import { deletePerson, type Person, type School } from '../../domain'
import { FormError } from '../components/FormActions'
import { ItemButton } from '../components/ItemButton'
import { RecordHistory } from '../components/RecordHistory'
import { useDomainForm } from '../hooks/useDomainForm'
import { usePartnership } from '../hooks/usePartnership'
import { PersonForm } from './PersonForm'

/** The one person form open on the page. */
export type OpenPersonForm = { readonly kind: 'add'; readonly schoolId: string } | { readonly kind: 'edit'; readonly personId: string } | undefined

interface SchoolPeopleProps {
  readonly school: School
  readonly people: readonly Person[]
  readonly open: OpenPersonForm
  readonly setOpen: (open: OpenPersonForm) => void
}

export function SchoolPeople({ school, people, open, setOpen }: SchoolPeopleProps) {
  const { doc, actor, isReadOnly } = usePartnership()
  const { t } = useTranslation()
  const form = useDomainForm()
  const hasContact = people.some((p) => p.isContactPerson)
  const following = people.filter((p) => p.isFollowing || p.isContactPerson).length
  const remove = (p: Person): void => {
    if (window.confirm(t('contacts.confirmDelete', { name: p.name }))) form.run(() => deletePerson(doc, p.id, actor))
  }
  return (
    <>
      <FormError message={form.formError} />
      {people.length === 0 ? <p className="muted">{t('contacts.nobody')}</p> : null}
      {people.length > 0 && !hasContact ? <p className="banner banner-warning">{t('contacts.noContactPerson', { school: school.name })}</p> : null}
      {hasContact && following < 2 ? <p className="hint">{t('contacts.bottleneck')}</p> : null}
      <ul className="people">
        {people.map((p) =>
          open?.kind === 'edit' && open.personId === p.id ? (
            <li key={p.id} className="person person-editing">
              <PersonForm schoolId={school.id} person={p} onDone={() => setOpen(undefined)} />
            </li>
          ) : (
            <PersonRow key={p.id} person={p} onEdit={() => setOpen({ kind: 'edit', personId: p.id })} onDelete={() => remove(p)} />
          ),
        )}
      </ul>
      {open?.kind === 'add' && open.schoolId === school.id ? (
        <PersonForm schoolId={school.id} onDone={() => setOpen(undefined)} />
      ) : (
        <button type="button" className="button-secondary" disabled={isReadOnly} onClick={() => setOpen({ kind: 'add', schoolId: school.id })}>
          {t('contacts.addPerson', { school: school.name })}
        </button>
      )}
    </>
  )
}

function PersonRow({ person: p, onEdit, onDelete }: { readonly person: Person; readonly onEdit: () => void; readonly onDelete: () => void }) {
  const { doc, actor, isReadOnly } = usePartnership()
  const { t } = useTranslation()
  return (
    <li className="person">
      <p className="person-name" dir="auto">{p.name}</p>
      {p.role ? <p className="person-role">{p.role}</p> : null}
      <p className="person-badges">
        {p.isContactPerson ? <span className="badge badge-contact">{t('contacts.isContactPerson')}</span> : null}
        {p.isFollowing ? <span className="badge">{t('contacts.isFollowing')}</span> : null}
        {p.isWorkingGroupMember ? <span className="badge">{t('contacts.isWorkingGroupMember')}</span> : null}
      </p>
      {p.phone ? (
        <p className="person-reach">
          <a href={`tel:${p.phone.replace(/[^\d+]/g, '')}`} aria-label={t('contacts.callLabel', { name: p.name, phone: p.phone })}>
            {p.phone}
          </a>
        </p>
      ) : null}
      {p.email ? (
        <p className="person-reach">
          <a href={`mailto:${p.email}`}>{p.email}</a>
        </p>
      ) : null}
      <div className="person-actions">
        <ItemButton label={t('contacts.edit')} name={t('contacts.editLabel', { name: p.name })} disabled={isReadOnly} onClick={onEdit} />
        <ItemButton label={t('contacts.delete')} name={t('contacts.deleteLabel', { name: p.name })} disabled={isReadOnly} onClick={onDelete} />
        <RecordHistory doc={doc} collection="contacts" record={p.id} actor={actor} isReadOnly={isReadOnly} about={p.name} />
      </div>
    </li>
  )
}
