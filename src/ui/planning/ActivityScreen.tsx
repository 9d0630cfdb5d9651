/**
 * One activity of the action plan: new, or open for editing.
 *
 * Saving an existing activity writes only what the person changed in this form, so a field the
 * partner school changed meanwhile on another device keeps their change (the domain then writes
 * only fields that differ). Responsible people and costs are merged per school for the same reason.
 * Problems the domain finds are shown at their fields, translated (useDomainForm).
 *
 * Its parts: the values and the patch a save writes (src/domain/activityForm.ts), the fields in
 * their sections (ActivityFields.tsx), the address that leads nowhere (ActivityNotFound.tsx).
 */
import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import type * as Y from 'yjs'
import {
  DomainError,
  EMPTY_ACTIVITY,
  activityChangesSince,
  activityProblemPlace,
  activityToValues,
  collection,
  createActivity,
  deleteActivity,
  findConflicts,
  isOverdue,
  lastCurrencies,
  listActivities,
  listPartnerInput,
  listPeriods,
  readActivity,
  restoreActivity,
  schoolTimeZones,
  updateActivity,
  valuesToActivityInput,
  type Activity,
  type ActivityFormValues,
  type ActivityInput,
  type ActivityPerSchoolKey,
  type PartnershipMeta,
  type Actor,
  entriesOf,
} from '../../domain'
import { PartnerInputSection } from '../components/PartnerInputSection'
import { PlanningNotes } from '../components/PlanningNotes'
import { useDomainForm } from '../hooks/useDomainForm'
import { useMarkRead } from '../hooks/useMarkRead'
import { formatMoment, localToday } from '../format'
import { navigate } from '../router'
import { pageHref } from '../pages'
import { usePartnership, type DeletedActivity } from '../hooks/usePartnership'
import { FormActions, FormError } from '../components/FormActions'
import { DoubleEditNotice } from '../components/DoubleEditNotice'
import { RecordHistory } from '../components/RecordHistory'
import { ScreenSection } from '../components/ScreenSection'
import { ActivityFields, activityControlOf, amountTextIn, type ActivityTextKey } from './ActivityFields'
import { ActivityNotFound } from './ActivityNotFound'
import './planning.css'
import './calendar.css'
import './print.css'

/** The form's values for an activity (or a new one), in the language on screen. */
function valuesOf(a: ActivityInput, doc: Y.Doc, schoolIds: readonly string[], language: string): ActivityFormValues {
  return activityToValues(a, schoolIds, amountTextIn(language), lastCurrencies(listActivities(doc), schoolIds))
}

interface Props {
  readonly doc: Y.Doc
  readonly roomId: string
  readonly activityId: string | 'new'
  readonly meta: PartnershipMeta
  readonly actor: Actor
  readonly isReadOnly: boolean
  readonly onDeleted: (deleted: DeletedActivity) => void
}

export function ActivityScreen({ activityId }: { readonly activityId: string | 'new' }) {
  const { doc, roomId, meta, actor, isReadOnly, setLastDeleted } = usePartnership()
  const onDeleted = (deleted: DeletedActivity): void => {
    setLastDeleted(deleted)
    navigate(pageHref(roomId, 'plan'))
  }
  const props: Props = { doc, roomId, activityId, meta, actor, isReadOnly, onDeleted }
  const stored = activityId === 'new' ? undefined : readActivity(doc, activityId)
  // opened by a person of this school: "Read by partner school" on the partner's devices
  useMarkRead(stored ? collection(doc, 'activities').get(stored.id) : undefined)
  // known to this device's history but gone from the document: removed outright by another program
  const isRemoved = activityId !== 'new' && !stored && entriesOf(doc, 'activities', activityId).length > 0
  if (activityId !== 'new' && !stored) return <ActivityNotFound roomId={props.roomId} isRemoved={isRemoved} />
  return <ActivityForm {...props} stored={stored} />
}

function ActivityForm({ doc, roomId, activityId, meta, actor, isReadOnly, onDeleted, stored }: Props & { readonly stored: Activity | undefined }) {
  const { t, i18n } = useTranslation()
  const language = i18n.resolvedLanguage ?? i18n.language
  const schools = [meta.schoolA, meta.schoolB]
  const schoolIds = schools.map((s) => s.id)
  const isNew = activityId === 'new'
  const [initial, setInitial] = useState(() => ({
    values: valuesOf(stored ?? EMPTY_ACTIVITY, doc, schoolIds, language),
    language,
    updatedAt: stored?.updatedAt,
  }))
  const [values, setValues] = useState<ActivityFormValues>(initial.values)
  const form = useDomainForm({ controls: activityControlOf(schools), placeOf: activityProblemPlace, checkFields: 'activity.checkFields' })

  const set = <K extends ActivityTextKey>(key: K, value: ActivityFormValues[K]): void => setValues((v) => ({ ...v, [key]: value }))
  const setPerSchool = (key: ActivityPerSchoolKey, schoolId: string, value: string): void =>
    setValues((v) => ({ ...v, [key]: { ...v[key], [schoolId]: value } }))

  const save = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault()
    if (isReadOnly) return
    const next = valuesToActivityInput(values, schoolIds, amountTextIn(language))
    const isSaved = form.run(() => {
      if (isNew) return void createActivity(doc, next, actor)
      const current = readActivity(doc, activityId)
      if (!current) throw new DomainError('notFound', 'id')
      // the amounts as they were typed when the form opened, in the language of then
      const before = valuesToActivityInput(initial.values, schoolIds, amountTextIn(initial.language))
      const patch = activityChangesSince(before, next, current, schoolIds)
      if (Object.keys(patch).length > 0) updateActivity(doc, activityId, patch, actor)
    })
    if (isSaved) navigate(pageHref(roomId, 'plan'))
  }

  const remove = (): void => {
    if (isNew || isReadOnly || !stored) return
    if (form.run(() => deleteActivity(doc, activityId, actor))) onDeleted({ id: activityId, title: stored.title })
  }

  const restore = (): void => {
    // our own change: not one to warn about
    if (form.run(() => restoreActivity(doc, activityId, actor))) setInitial((i) => ({ ...i, updatedAt: readActivity(doc, activityId)?.updatedAt }))
  }

  // The activity changed while the form is open (here: a value kept, a version restored; or on
  // another device). An untouched form simply shows the new values; a form with changes of its own
  // keeps them and says the activity changed meanwhile (saving then writes only what was touched).
  const isUntouched = JSON.stringify(values) === JSON.stringify(initial.values)
  if (!isNew && stored !== undefined && stored.updatedAt !== initial.updatedAt && isUntouched) {
    const fresh = valuesOf(stored, doc, schoolIds, language)
    setInitial({ values: fresh, language, updatedAt: stored.updatedAt })
    setValues(fresh)
  }

  const isChangedElsewhere = !isNew && stored !== undefined && stored.updatedAt !== initial.updatedAt
  // live while the dates are edited, before saving: the calendars as this device has them now
  const conflicts = findConflicts({ startDate: values.startDate, endDate: values.endDate }, listPeriods(doc), schoolTimeZones(doc))
  const today = localToday()
  const overdue = isNew ? [] : listPartnerInput(doc, { activityId }).filter((r) => isOverdue(r, today))

  return (
    <ScreenSection headingId="activity-heading" title={isNew ? t('activity.newTitle') : t('activity.editTitle')}>
      {stored ? (
        <div className="record-tools">
          <p className="muted">
            {t('activity.lastChanged', { name: stored.updatedBy || t('actor.someone'), when: formatMoment(stored.updatedAt, language) })}
          </p>
          <RecordHistory doc={doc} collection="activities" record={activityId} actor={actor} isReadOnly={isReadOnly} />
        </div>
      ) : null}
      {stored ? (
        <DoubleEditNotice
          doc={doc}
          records={[{ collection: 'activities', record: activityId }, ...listPartnerInput(doc, { activityId }).map((r) => ({ collection: 'partnerInput', record: r.id }))]}
          actor={actor}
          isReadOnly={isReadOnly}
        />
      ) : null}
      {stored?.deletedAt ? (
        <div className="banner banner-warning">
          <p>{t('activity.deletedElsewhere', { name: stored.deletedBy || t('actor.someone') })}</p>
          <div className="banner-actions">
            <button type="button" className="button-secondary" disabled={isReadOnly} onClick={restore}>
              {t('activity.restore')}
            </button>
          </div>
        </div>
      ) : null}
      {isChangedElsewhere && !stored.deletedAt ? (
        <div className="banner banner-info">
          <p>{t('activity.changedElsewhere', { name: stored.updatedBy || t('actor.someone') })}</p>
        </div>
      ) : null}

      {overdue.length > 0 ? <PlanningNotes meta={meta} overdue={overdue} /> : null}

      <form className="form form-long" noValidate onSubmit={save}>
        <fieldset className="plain" disabled={isReadOnly}>
          <ActivityFields values={values} meta={meta} language={language} conflicts={conflicts} errorOf={form.errorOf} set={set} setPerSchool={setPerSchool} />
        </fieldset>

        <FormError message={form.formError} />

        <FormActions submit={t('activity.save')} disabled={isReadOnly}>
          <a className="button-link" href={pageHref(roomId, 'plan')}>
            {t('activity.cancel')}
          </a>
          {!isNew && !stored?.deletedAt ? (
            <button type="button" className="button-danger" disabled={isReadOnly} onClick={remove}>
              {t('activity.delete')}
            </button>
          ) : null}
        </FormActions>
      </form>

      <PartnerInputSection doc={doc} activityId={isNew ? undefined : activityId} meta={meta} actor={actor} isReadOnly={isReadOnly || Boolean(stored?.deletedAt)} today={today} />
    </ScreenSection>
  )
}
