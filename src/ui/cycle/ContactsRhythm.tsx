/**
 * The fixed day for regular contact on Contacts: the agreed rhythm in words with the next contact
 * days worked out, and the form that sets it (none, a weekday of every month, every few weeks from
 * a first date).
 */
import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { contactDays, readAgreements, updateAgreements, type Rhythm } from '../../domain'
import { CardSection } from '../components/CardSection'
import { Field } from '../components/Field'
import { FormActions, FormError } from '../components/FormActions'
import { formatDate, formatDayLong, weekdayNames } from '../format'
import { useDomainForm } from '../hooks/useDomainForm'
import { usePartnership } from '../hooks/usePartnership'

const RHYTHM_CONTROLS = { anchor: 'rhythm-anchor' }

export function RhythmCard({ today }: { readonly today: string }) {
  const { doc } = usePartnership()
  const { t } = useTranslation()
  const [status, setStatus] = useState<string | undefined>()
  const { rhythm } = readAgreements(doc)
  return (
    <CardSection id="contacts-rhythm" title={t('contacts.rhythm')}>
      <RhythmSummary rhythm={rhythm} today={today} />
      {/* keyed by the stored rhythm: a rhythm saved on the partner's device shows in the form too */}
      <RhythmForm key={JSON.stringify(rhythm)} rhythm={rhythm} today={today} onStatus={setStatus} />
      <p className="save-status" aria-live="polite">
        {status ?? ''}
      </p>
    </CardSection>
  )
}

const NTHS = [1, 2, 3, 4, -1] as const

function nthKey(nth: (typeof NTHS)[number]): 'last' | `${Exclude<(typeof NTHS)[number], -1>}` {
  return nth === -1 ? 'last' : `${nth}`
}

/** The agreed rhythm in words, e.g. "The first Tuesday of every month". */
function useRhythmText(): (rhythm: Rhythm) => string {
  const { t, i18n } = useTranslation()
  const language = i18n.resolvedLanguage ?? i18n.language
  const days = weekdayNames(language)
  return (rhythm) => {
    if (rhythm.kind === 'monthly') return t('contacts.monthlyText', { nth: t(`contacts.nth.${nthKey(rhythm.nth)}`), weekday: days[rhythm.weekday] ?? '' })
    const weekdayOfAnchor = (new Date(`${rhythm.anchor}T00:00:00Z`).getUTCDay() + 6) % 7
    return t('contacts.weeklyText', { count: rhythm.everyWeeks, weekday: days[weekdayOfAnchor] ?? '', date: formatDate(rhythm.anchor, language) })
  }
}

function RhythmSummary({ rhythm, today }: { readonly rhythm: Rhythm | null; readonly today: string }) {
  const { t, i18n } = useTranslation()
  const language = i18n.resolvedLanguage ?? i18n.language
  const rhythmText = useRhythmText()
  if (!rhythm) return <p className="muted">{t('contacts.noRhythm')}</p>
  const [next, ...later] = contactDays(rhythm, today, 3)
  return (
    <div className="rhythm-summary">
      <p>{rhythmText(rhythm)}</p>
      {next ? (
        <p className="next-contact">
          <span>{t('contacts.nextContact')}</span> <strong>{next === today ? t('week.contactToday') : formatDayLong(next, language)}</strong>
        </p>
      ) : null}
      {later.length > 0 ? <p className="hint">{t('contacts.thenContact', { dates: later.map((d) => formatDate(d, language)).join(', ') })}</p> : null}
    </div>
  )
}

interface RhythmValues {
  readonly kind: 'none' | 'monthly' | 'weekly'
  readonly nth: (typeof NTHS)[number]
  readonly weekday: number
  readonly everyWeeks: number
  readonly anchor: string
}

interface RhythmFormProps {
  readonly rhythm: Rhythm | null
  readonly today: string
  readonly onStatus: (status: string | undefined) => void
}

function RhythmForm({ rhythm, today, onStatus }: RhythmFormProps) {
  const { doc, actor, isReadOnly } = usePartnership()
  const { t, i18n } = useTranslation()
  const language = i18n.resolvedLanguage ?? i18n.language
  const days = weekdayNames(language)
  const [v, setV] = useState<RhythmValues>(() => ({
    kind: rhythm?.kind ?? 'none',
    nth: rhythm?.kind === 'monthly' ? rhythm.nth : 1,
    weekday: rhythm?.kind === 'monthly' ? rhythm.weekday : 1,
    everyWeeks: rhythm?.kind === 'weekly' ? rhythm.everyWeeks : 2,
    anchor: rhythm?.kind === 'weekly' ? rhythm.anchor : today,
  }))
  // the domain reports a bad rhythm as a whole; with the first date the only thing typed, show it there
  const form = useDomainForm({ controls: RHYTHM_CONTROLS, placeOf: (issue) => (issue.field === 'rhythm' && v.kind === 'weekly' ? 'anchor' : (issue.field ?? '')) })

  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault()
    const next: Rhythm | null =
      v.kind === 'monthly' ? { kind: 'monthly', nth: v.nth, weekday: v.weekday } : v.kind === 'weekly' ? { kind: 'weekly', everyWeeks: v.everyWeeks, anchor: v.anchor } : null
    onStatus(form.run(() => updateAgreements(doc, { rhythm: next }, actor)) ? t('contacts.saved') : undefined)
  }

  return (
    <form className="form subform" noValidate onSubmit={submit}>
      <fieldset className="plain" disabled={isReadOnly}>
        <Field id="rhythm-kind" label={t('contacts.rhythmKind')}>
          {(c) => (
            <select {...c} value={v.kind} onChange={(e) => setV((x) => ({ ...x, kind: e.target.value as RhythmValues['kind'] }))}>
              <option value="none">{t('contacts.rhythmNone')}</option>
              <option value="monthly">{t('contacts.rhythmMonthly')}</option>
              <option value="weekly">{t('contacts.rhythmWeekly')}</option>
            </select>
          )}
        </Field>
        {v.kind === 'monthly' ? (
          <div className="row">
            <Field id="rhythm-nth" label={t('contacts.rhythmNth')}>
              {(c) => (
                <select {...c} value={v.nth} onChange={(e) => setV((x) => ({ ...x, nth: Number(e.target.value) as RhythmValues['nth'] }))}>
                  {NTHS.map((n) => (
                    <option key={n} value={n}>
                      {t(`contacts.nth.${nthKey(n)}`)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field id="rhythm-weekday" label={t('contacts.rhythmWeekday')}>
              {(c) => (
                <select {...c} value={v.weekday} onChange={(e) => setV((x) => ({ ...x, weekday: Number(e.target.value) }))}>
                  {days.map((d, i) => (
                    <option key={i} value={i}>
                      {d}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>
        ) : null}
        {v.kind === 'weekly' ? (
          <div className="row">
            <Field id="rhythm-every" label={t('contacts.rhythmEvery')}>
              {(c) => (
                <select {...c} value={v.everyWeeks} onChange={(e) => setV((x) => ({ ...x, everyWeeks: Number(e.target.value) }))}>
                  {[1, 2, 3, 4, 5, 6, 7, 8].map((n) => (
                    <option key={n} value={n}>
                      {t('contacts.everyWeeks', { count: n })}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field id="rhythm-anchor" label={t('contacts.rhythmAnchor')} error={form.problems.has('anchor') ? t('errors.invalidDate') : undefined}>
              {(c) => <input {...c} type="date" value={v.anchor} onChange={(e) => setV((x) => ({ ...x, anchor: e.target.value }))} />}
            </Field>
          </div>
        ) : null}
      </fieldset>
      <FormError message={form.formError} />
      <FormActions submit={t('contacts.saveRhythm')} disabled={isReadOnly} />
    </form>
  )
}
