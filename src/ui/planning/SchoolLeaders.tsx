/**
 * The people who lead the link at one school (part of SchoolsScreen): records of their own, added
 * and removed at once, apart from the profile's Save.
 */
import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import type * as Y from 'yjs'
import { addSchoolLeader, removeSchoolLeader, type SchoolProfile, type Actor } from '../../domain'
import { Field } from '../components/Field'
import { useDomainForm } from '../hooks/useDomainForm'

export interface SchoolPartProps {
  readonly doc: Y.Doc
  readonly profile: SchoolProfile
  /** Makes the controls' ids unique on a page with two profiles. */
  readonly prefix: string
  readonly actor: Actor
  readonly isReadOnly: boolean
}

export function SchoolLeaders({ doc, profile, prefix, actor, isReadOnly }: SchoolPartProps) {
  const { t } = useTranslation()
  const [name, setName] = useState('')
  const [role, setRole] = useState('')
  const [subjects, setSubjects] = useState('')
  const id = (field: string): string => `${prefix}-leader-${field}`
  const headingId = id('heading')
  const form = useDomainForm({ controls: { name: id('name') } })

  const add = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault()
    if (!form.run(() => addSchoolLeader(doc, profile.id, { name, role, subjects }, actor))) return
    setName('')
    setRole('')
    setSubjects('')
  }

  return (
    <section className="leaders" aria-labelledby={headingId}>
      <h4 id={headingId}>{t('schools.leaders.title', { school: profile.name })}</h4>
      <p className="hint">{t('schools.leaders.intro')}</p>
      {profile.leaders.length === 0 ? <p className="muted">{t('schools.leaders.none')}</p> : null}
      {profile.leaders.length > 0 ? (
        <ul className="leader-list">
          {profile.leaders.map((l) => (
            <li key={l.id}>
              <span className="leader-name">{l.name}</span>
              {l.role ? <span>{l.role}</span> : null}
              {l.subjects ? <span>{t('schools.leaders.teaches', { subjects: l.subjects })}</span> : null}
              <button
                type="button"
                className="button-quiet button-compact"
                disabled={isReadOnly}
                aria-label={t('schools.leaders.removeFor', { name: l.name, school: profile.name })}
                onClick={() => removeSchoolLeader(doc, profile.id, l.id, actor)}
              >
                {t('schools.leaders.remove')}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {!isReadOnly ? (
        <form className="form" noValidate onSubmit={add} aria-labelledby={headingId}>
          {/* a small form: its one problem, at the field or not, is said at the name */}
          <Field id={id('name')} label={t('schools.leaders.name')} error={form.errorOf('name') ?? form.formError}>
            {(c) => <input {...c} type="text" value={name} onChange={(e) => setName(e.target.value)} />}
          </Field>
          <div className="row">
            <Field id={id('role')} label={t('schools.leaders.role')} hint={t('schools.leaders.roleHint')}>
              {(c) => <input {...c} type="text" value={role} onChange={(e) => setRole(e.target.value)} />}
            </Field>
            <Field id={id('subjects')} label={t('schools.leaders.subjects')}>
              {(c) => <input {...c} type="text" value={subjects} onChange={(e) => setSubjects(e.target.value)} />}
            </Field>
          </div>
          <div className="actions">
            <button type="submit" className="button-secondary" aria-label={t('schools.leaders.addFor', { school: profile.name })}>
              {t('schools.leaders.add')}
            </button>
          </div>
        </form>
      ) : null}
    </section>
  )
}
