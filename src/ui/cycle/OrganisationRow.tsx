/**
 * One organisation in the register: its name, decision and how many check steps are done, its
 * details, and the buttons to open its check, edit, delete and see its history.
 */
import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { ORGANISATION_STEPS, organisationStepsDone, websiteHref, type Organisation } from '../../domain'
import { ItemButton } from '../components/ItemButton'
import { RecordHistory } from '../components/RecordHistory'
import { usePartnership } from '../hooks/usePartnership'

interface OrganisationRowProps {
  readonly organisation: Organisation
  readonly isOpen: boolean
  readonly onToggle: () => void
  readonly onEdit: () => void
  readonly onDelete: () => void
}

export function OrganisationRow({ organisation: o, isOpen, onToggle, onEdit, onDelete }: OrganisationRowProps) {
  const { doc, actor, isReadOnly } = usePartnership()
  const { t } = useTranslation()
  return (
    <>
      <h4 className="org-name" dir="auto">{o.name}</h4>
      <p className="org-summary">
        <span className={`badge badge-decision-${o.decision}`}>{t(`organisations.decisions.${o.decision}`)}</span>{' '}
        <span>{t('organisations.stepsDone', { done: organisationStepsDone(o), total: ORGANISATION_STEPS.length })}</span>
      </p>
      <OrganisationFacts organisation={o} />
      <div className="org-actions">
        <button
          type="button"
          className="button-secondary"
          aria-expanded={isOpen}
          aria-controls={`org-check-${o.id}`}
          aria-label={isOpen ? t('organisations.closeCheckLabel', { name: o.name }) : t('organisations.openCheckLabel', { name: o.name })}
          onClick={onToggle}
        >
          {isOpen ? t('organisations.closeCheck') : t('organisations.openCheck')}
        </button>
        <ItemButton label={t('organisations.edit')} name={t('organisations.editLabel', { name: o.name })} disabled={isReadOnly} onClick={onEdit} />
        <ItemButton label={t('organisations.delete')} name={t('organisations.deleteLabel', { name: o.name })} disabled={isReadOnly} onClick={onDelete} />
        <RecordHistory doc={doc} collection="organisations" record={o.id} actor={actor} isReadOnly={isReadOnly} about={o.name} />
      </div>
    </>
  )
}

function OrganisationFacts({ organisation: o }: { readonly organisation: Organisation }) {
  const { t } = useTranslation()
  const href = websiteHref(o.website)
  const rows: [string, ReactNode][] = []
  if (o.website) rows.push([t('organisations.website'), href ? <a href={href} target="_blank" rel="noopener noreferrer">{o.website}</a> : o.website])
  if (o.contact) rows.push([t('organisations.contact'), o.contact])
  if (o.themes.length > 0) rows.push([t('organisations.themes'), o.themes.join(', ')])
  if (o.ageGroups.length > 0) rows.push([t('organisations.ageGroups'), o.ageGroups.join(', ')])
  if (rows.length === 0) return null
  return (
    <dl className="org-facts">
      {rows.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  )
}
