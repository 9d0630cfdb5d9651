/**
 * The action plan: activities grouped by the month they start in, undated ones last.
 * A plan is a frame, not a contract: postponed and dropped activities stay visible with their status.
 */
import { useTranslation } from 'react-i18next'
import type * as Y from 'yjs'
import { groupByMonth, listActivities, type Activity, type PartnershipMeta } from '../../domain'
import { registry, type PartnershipEntry } from '../../storage'
import { schoolName } from '../hooks/useActor'
import { useFocusOnMount } from '../hooks/useFocusOnMount'
import { formatDateRange, formatMonth } from '../format'
import { activityHref, navigate } from '../router'

export interface DeletedActivity {
  readonly id: string
  readonly title: string
}

interface Props {
  readonly doc: Y.Doc
  readonly roomId: string
  readonly entry: PartnershipEntry
  readonly meta: PartnershipMeta
  readonly isReadOnly: boolean
  readonly lastDeleted: DeletedActivity | undefined
  readonly onUndo: (deleted: DeletedActivity) => void
  readonly onDismissUndo: () => void
}

function ActivityItem({ activity, roomId, meta }: { readonly activity: Activity; readonly roomId: string; readonly meta: PartnershipMeta }) {
  const { t, i18n } = useTranslation()
  const language = i18n.resolvedLanguage ?? i18n.language
  const when = formatDateRange(activity.startDate, activity.endDate, language)
  const lead = schoolName(meta, activity.leadSchoolId)
  return (
    <a className="activity-link" href={activityHref(roomId, activity.id)}>
      <span className="activity-title">{activity.title}</span>
      <span className="activity-meta">
        <span className={`badge badge-${activity.status}`}>{t(`activity.statuses.${activity.status}`)}</span>
        {when ? <span>{when}</span> : null}
        <span>{t(`activity.kinds.${activity.kind}`)}</span>
        {lead ? <span>{t('plan.ledBy', { school: lead })}</span> : null}
      </span>
    </a>
  )
}

export function PlanScreen({ doc, roomId, entry, meta, isReadOnly, lastDeleted, onUndo, onDismissUndo }: Props) {
  const { t, i18n } = useTranslation()
  const language = i18n.resolvedLanguage ?? i18n.language
  const headingRef = useFocusOnMount<HTMLHeadingElement>()
  // read on every render: the parent renders again whenever the document changes
  const groups = groupByMonth(listActivities(doc))

  const chooseSchool = (schoolId: string): void => {
    void registry().partnerships.update(roomId, { mySchoolId: schoolId })
  }

  return (
    <section aria-labelledby="plan-heading">
      <div className="section-head">
        <h2 id="plan-heading" ref={headingRef} tabIndex={-1}>
          {t('plan.title')}
        </h2>
        <button
          type="button"
          className="button-primary"
          disabled={isReadOnly}
          onClick={() => navigate(activityHref(roomId, 'new'))}
        >
          {t('plan.new')}
        </button>
      </div>

      <div aria-live="polite" className="live-region">
        {lastDeleted ? (
          <div className="banner banner-info undo">
            <p>{t('plan.deleted', { title: lastDeleted.title })}</p>
            <div className="banner-actions">
              <button type="button" className="button-secondary" disabled={isReadOnly} onClick={() => onUndo(lastDeleted)}>
                {t('plan.undo')}
              </button>
              <button type="button" className="button-quiet" onClick={onDismissUndo}>
                {t('plan.dismiss')}
              </button>
            </div>
          </div>
        ) : null}
      </div>

      {!entry.mySchoolId && !isReadOnly ? (
        <div className="banner banner-info">
          <p>{t('plan.whichSchool')}</p>
          <div className="banner-actions">
            {[meta.schoolA, meta.schoolB].map((school) => (
              <button key={school.id} type="button" className="button-secondary" onClick={() => chooseSchool(school.id)}>
                {t('plan.weAre', { school: school.name })}
              </button>
            ))}
          </div>
        </div>
      ) : null}

      {groups.length === 0 ? (
        <div className="empty">
          <p>{t('plan.empty')}</p>
        </div>
      ) : (
        groups.map((group) => (
          <section key={group.month || 'undated'} className="month" aria-labelledby={`month-${group.month || 'undated'}`}>
            <h3 id={`month-${group.month || 'undated'}`}>{formatMonth(group.month, language) ?? t('plan.undated')}</h3>
            <ul className="activity-list">
              {group.activities.map((a) => (
                <li key={a.id}>
                  <ActivityItem activity={a} roomId={roomId} meta={meta} />
                </li>
              ))}
            </ul>
          </section>
        ))
      )}
    </section>
  )
}
