/**
 * Growth over the years (what-is-a-school-link seed; draaiboek 7): the indicators of a lasting,
 * equal partnership for one school year — reached, partly, not yet — with what the app found as
 * evidence and a note per indicator the schools write themselves, and the same indicators over
 * the last few years. Everything but the notes is worked out from the document (domain/growth.ts).
 */
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { computeGrowth, growthYearContaining, growthYears, setGrowthNote, type GrowthFact, type GrowthIndicator, type GrowthYear } from '../../domain'
import { Field } from '../components/Field'
import { ScreenHeading } from '../components/ScreenHeading'
import { TextAgreement } from '../components/TextAgreement'
import { formatDate, localToday } from '../format'
import { usePartnership } from '../hooks/usePartnership'
import './cycle.css'
import './growth.css'

/** How many school years the overview shows (the most recent ones). */
const OVERVIEW_YEARS = 3

/** Facts whose first name is the school they are about. */
const PER_SCHOOL = new Set<GrowthFact['key']>(['membersAt', 'responsibleAt', 'costAt', 'inputAskedFrom'])
/** Facts whose names are part of the sentence itself. */
const NAMES_IN_SENTENCE = new Set<GrowthFact['key']>(['planWrittenBy'])

export function GrowthScreen() {
  const { doc, isReadOnly } = usePartnership()
  const { t } = useTranslation()
  const today = localToday()
  const years = growthYears(doc, today)
  const current = growthYearContaining(doc, today)
  const [chosen, setChosen] = useState<number>(current.firstYear)
  const year = years.find((y) => y.firstYear === chosen) ?? current
  // read on every render: the parent renders again whenever the document changes
  const indicators = computeGrowth(doc, year)
  const recent = years.slice(-OVERVIEW_YEARS)

  return (
    <section aria-labelledby="growth-heading" className="cycle">
      <ScreenHeading id="growth-heading">{t('growth.title')}</ScreenHeading>
      <p>{t('growth.intro')}</p>
      <div className="growth-year">
        <Field id="growth-year" label={t('growth.schoolYear')}>
          {(c) => (
            <select {...c} value={year.firstYear} onChange={(e) => setChosen(Number(e.target.value))}>
              {[...years].reverse().map((y) => (
                <option key={y.firstYear} value={y.firstYear}>
                  {y.label}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <ul className="growth-list">
        {indicators.map((i) => (
          <li key={i.key}>
            <IndicatorCard indicator={i} year={year} isReadOnly={isReadOnly} save={(note) => setGrowthNote(doc, year.label, i.key, note)} />
          </li>
        ))}
      </ul>
      {recent.length > 1 ? <Overview years={recent} rows={recent.map((y) => computeGrowth(doc, y))} /> : null}
    </section>
  )
}

function IndicatorCard({ indicator: i, year, isReadOnly, save }: { readonly indicator: GrowthIndicator; readonly year: GrowthYear; readonly isReadOnly: boolean; readonly save: (note: string) => void }) {
  const { t } = useTranslation()
  const title = t(`growth.indicators.${i.key}.title`)
  return (
    <section className="card growth-card" aria-labelledby={`growth-${i.key}`}>
      <div className="growth-card-head">
        <h3 id={`growth-${i.key}`}>{title}</h3>
        <span className={`badge badge-growth-${i.status}`}>{t(`growth.status.${i.status}`)}</span>
      </div>
      <p className="hint">{t(`growth.indicators.${i.key}.hint`)}</p>
      <ul className="growth-facts" aria-label={t('growth.evidenceLabel', { indicator: title })}>
        {i.facts.map((f, n) => (
          <FactLine key={`${f.key}-${n}`} fact={f} />
        ))}
      </ul>
      <TextAgreement
        key={`${year.label}:${i.key}`}
        isReadOnly={isReadOnly}
        id={`growth-note-${i.key}`}
        label={t('growth.noteLabel', { indicator: title, year: year.label })}
        hint={t('growth.noteHint')}
        stored={i.note}
        save={save}
        button={t('growth.saveNote', { indicator: title })}
        multiline
      />
    </section>
  )
}

function FactLine({ fact: f }: { readonly fact: GrowthFact }) {
  const { t, i18n } = useTranslation()
  const language = i18n.resolvedLanguage ?? i18n.language
  const isPerSchool = PER_SCHOOL.has(f.key)
  const extra = NAMES_IN_SENTENCE.has(f.key) ? [] : isPerSchool ? f.names.slice(1) : f.names
  return (
    <li>
      {t(`growth.facts.${f.key}`, { count: f.count, school: isPerSchool ? (f.names[0] ?? '') : '', names: f.names.join(', '), date: f.date ? formatDate(f.date, language) : '' })}
      {extra.length > 0 ? <span className="growth-names"> — {extra.join(', ')}</span> : null}
    </li>
  )
}

function Overview({ years, rows }: { readonly years: readonly GrowthYear[]; readonly rows: readonly GrowthIndicator[][] }) {
  const { t } = useTranslation()
  const keys = rows[0]?.map((i) => i.key) ?? []
  return (
    <section className="card" aria-labelledby="growth-overview-heading">
      <h3 id="growth-overview-heading">{t('growth.overview')}</h3>
      <div className="table-scroll">
        <table className="growth-table">
          <thead>
            <tr>
              <th scope="col">{t('growth.indicator')}</th>
              {years.map((y) => (
                <th key={y.firstYear} scope="col">
                  {y.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {keys.map((key, r) => (
              <tr key={key}>
                <th scope="row">{t(`growth.indicators.${key}.title`)}</th>
                {rows.map((row, c) => {
                  const status = row[r]?.status ?? 'not-yet'
                  return (
                    <td key={years[c]?.firstYear ?? c}>
                      <span className={`badge badge-growth-${status}`}>{t(`growth.status.${status}`)}</span>
                    </td>
                  )
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  )
}
