/**
 * Partner organisations (externe-partners seed): a register of the external organisations a school
 * works with, the six-step check before working with one — each step ticked with notes —, the
 * decision taken with the head and colleagues, and feedback afterwards: what made the cooperation
 * smooth or difficult. The reminder that no individual pupil data goes to an external organisation
 * is always on screen.
 *
 * One organisation's check is open at a time, so every control's accessible name is unique on the
 * page. The page and the register's list; a row is OrganisationRow.tsx, the add/edit form
 * OrganisationForm.tsx, the check OrganisationCheck.tsx.
 */
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { deleteOrganisation, listOrganisations, type Organisation } from '../../domain'
import { CardSection } from '../components/CardSection'
import { DoubleEditNotice } from '../components/DoubleEditNotice'
import { FormError } from '../components/FormActions'
import { ScreenHeading } from '../components/ScreenHeading'
import { useDomainForm } from '../hooks/useDomainForm'
import { usePartnership } from '../hooks/usePartnership'
import { OrganisationCheck } from './OrganisationCheck'
import { OrganisationForm } from './OrganisationForm'
import { OrganisationRow } from './OrganisationRow'
import './cycle.css'
import './organisations.css'

type Open = { readonly kind: 'add' } | { readonly kind: 'edit'; readonly id: string } | undefined

export function OrganisationsScreen() {
  const { doc, actor, isReadOnly } = usePartnership()
  const { t } = useTranslation()
  const [form, setForm] = useState<Open>()
  const [openId, setOpenId] = useState<string | undefined>()
  const deletion = useDomainForm()
  // read on every render: the parent renders again whenever the document changes
  const organisations = listOrganisations(doc)

  const remove = (o: Organisation): void => {
    if (window.confirm(t('organisations.confirmDelete', { name: o.name }))) deletion.run(() => deleteOrganisation(doc, o.id, actor))
  }

  return (
    <section aria-labelledby="organisations-heading" className="cycle">
      <ScreenHeading id="organisations-heading">{t('organisations.title')}</ScreenHeading>
      <DoubleEditNotice doc={doc} records={organisations.map((o) => ({ collection: 'organisations', record: o.id }))} actor={actor} isReadOnly={isReadOnly} isNamingRecords />
      <p>{t('organisations.intro')}</p>
      <div className="banner banner-privacy" role="note" aria-labelledby="organisations-privacy">
        <p id="organisations-privacy">
          <strong>{t('organisations.privacyTitle')}</strong> {t('organisations.privacy')}
        </p>
      </div>
      <FormError message={deletion.formError} />

      <CardSection id="organisations-register" title={t('organisations.register')}>
        {organisations.length === 0 ? <p className="muted">{t('organisations.none')}</p> : null}
        <ul className="org-list">
          {organisations.map((o) => {
            const isOpen = openId === o.id
            return (
              <li key={o.id} className="org">
                {form?.kind === 'edit' && form.id === o.id ? (
                  <OrganisationForm organisation={o} onDone={() => setForm(undefined)} />
                ) : (
                  <OrganisationRow
                    organisation={o}
                    isOpen={isOpen}
                    onToggle={() => setOpenId(isOpen ? undefined : o.id)}
                    onEdit={() => setForm({ kind: 'edit', id: o.id })}
                    onDelete={() => remove(o)}
                  />
                )}
                {isOpen ? <OrganisationCheck organisation={o} /> : null}
              </li>
            )
          })}
        </ul>
        {form?.kind === 'add' ? (
          <OrganisationForm
            onDone={(id) => {
              setForm(undefined)
              if (id) setOpenId(id)
            }}
          />
        ) : (
          <button type="button" className="button-primary" disabled={isReadOnly} onClick={() => setForm({ kind: 'add' })}>
            {t('organisations.add')}
          </button>
        )}
      </CardSection>
    </section>
  )
}
