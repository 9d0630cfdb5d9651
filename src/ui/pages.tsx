/**
 * The partnership's pages — the one place a page is declared. Its address (`path`), its screen
 * (loaded on first use, precached by the service worker so it opens offline too), its group, its
 * icon and its label all live here; the router (`parseRoute`, `pageHref`), the navigation (the
 * bottom bar on a phone, the bar of every section on a wider screen, and More) and the lazy
 * loading are all made from this table.
 *
 * Adding a page: one entry here plus its screen file, which reads the partnership with
 * `usePartnership()`. The page's name and parameters (`PartnershipPage`) are read from the table.
 *
 * `path` segments: a word, `:param` (required), `:param?` (optional, may be ''). The parameters
 * reach the screen as props (strings; `agreementPrint`'s `version` is a signed version's
 * fingerprint, or '' for the current text). `nav`: `bottom` — one of the (at most five)
 * destinations of the phone's bottom bar; `more` — listed under More on a phone (and in the bar on
 * a wide screen); none — reached from another page (`parent` is the section it belongs to).
 *
 * Trap: keep this table out of the first view (the home screen): router.ts must not import it —
 * the screens' dynamic imports carry their dependency lists. Screens are `lazyScreen(() => import(…))`,
 * icons one SVG path each.
 */
import type { ComponentType } from 'react'
import type { TranslationKey } from '../i18n/keys'
import { lazyScreen } from './components/LazyScreens'
import { partnershipHref } from './router'

export type PageGroup = 'week' | 'planning' | 'exchange' | 'cycle' | 'partnership'

/** The groups in the order More lists them. */
export const PAGE_GROUPS: readonly PageGroup[] = ['week', 'planning', 'exchange', 'cycle', 'partnership']

type NoParams = Record<never, never>
type ParamOf<S extends string> = S extends `:${infer Name}?` ? { readonly [K in Name]: string } : S extends `:${infer Name}` ? { readonly [K in Name]: string } : NoParams
/** The parameters a path pattern names: `activity/:activityId` → `{ activityId: string }`. */
type ParamsOfPath<P extends string> = P extends `${infer Segment}/${infer Rest}` ? ParamOf<Segment> & ParamsOfPath<Rest> : ParamOf<P>

export interface PageDef<N extends string = string, P extends string = string> {
  readonly name: N
  readonly path: P
  readonly screen: ComponentType<ParamsOfPath<P>>
  readonly group: PageGroup
  /** One SVG path (24 × 24, drawn with a 2 px line). */
  readonly icon: string
  readonly label: TranslationKey
  readonly nav?: 'bottom' | 'more'
  /** The navigation entry this page belongs to, when it has none itself (a page's name: `navEntryOf`). */
  readonly parent?: string
  /** Shown before this device has its actor in the partnership (Settings). */
  readonly withoutActor?: boolean
}

function page<const N extends string, const P extends string, const Q extends string = never>(def: PageDef<N, P> & { readonly parent?: Q }): PageDef<N, P> & { readonly parent?: Q } {
  return def
}

const ICON = {
  week: 'M4 5h16v15H4zM4 10h16M9 3v4M15 3v4M9 15l2 2 4-4',
  plan: 'M9 6h11M9 12h11M9 18h11M4 6h1M4 12h1M4 18h1',
  letters: 'M3 6h18v12H3zM3 7l9 6 9-6',
  calendar: 'M4 5h16v15H4zM4 10h16M9 3v4M15 3v4M8 14h2M14 14h2M8 17h2',
  more: 'M5 12h.01M12 12h.01M19 12h.01',
  feedback: 'M4 5h16v11H9l-5 4zM8 9h8M8 12h5',
  schools: 'M3 11l9-7 9 7M5 10v10h14V10M10 20v-5h4v5',
  contacts: 'M5 4h4l2 5-3 2a11 11 0 0 0 5 5l2-3 5 2v4a2 2 0 0 1-2 2A16 16 0 0 1 3 6a2 2 0 0 1 2-2',
  group: 'M9 11a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM3 20c.5-3.5 2.5-5 6-5s5.5 1.5 6 5M16 5a3 3 0 0 1 0 6M18 15c2 .5 3 2 3.5 5',
  agreement: 'M6 3h9l4 4v14H6zM9 12h7M9 16h4M15 3v4h4',
  organisations: 'M4 21V4h10v17M14 9h6v12M2 21h20M7 8h4M7 12h4M7 16h4',
  growth: 'M4 20h16M6 16l4-4 3 3 6-7M15 8h4v4',
  deleted: 'M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13M10 11v5M14 11v5',
  settings: 'M4 6h9M17 6h3M4 12h3M11 12h9M4 18h11M19 18h1M15 4v4M9 10v4M17 16v4',
  changesFile: 'M6 3h8l4 4v14H6zM14 3v4h4M12 10v7M9 14l3 3 3-3',
} as const

const lazy = lazyScreen

export const PAGES = [
  page({ name: 'week', path: 'week', group: 'week', icon: ICON.week, label: 'nav.week', nav: 'bottom', screen: lazy(() => import('./cycle/WeekScreen').then((m) => ({ default: m.WeekScreen }))) }),
  page({ name: 'plan', path: 'plan', group: 'planning', icon: ICON.plan, label: 'nav.plan', nav: 'bottom', screen: lazy(() => import('./planning/PlanScreen').then((m) => ({ default: m.PlanScreen }))) }),
  page({ name: 'letters', path: 'letters', group: 'exchange', icon: ICON.letters, label: 'nav.letters', nav: 'bottom', screen: lazy(() => import('./exchange/LettersScreen').then((m) => ({ default: m.LettersScreen }))) }),
  page({ name: 'calendar', path: 'calendar', group: 'planning', icon: ICON.calendar, label: 'nav.calendar', nav: 'bottom', screen: lazy(() => import('./planning/CalendarScreen').then((m) => ({ default: m.CalendarScreen }))) }),
  page({ name: 'more', path: 'more', group: 'partnership', icon: ICON.more, label: 'nav.more', nav: 'bottom', screen: lazy(() => import('./screens/MoreScreen').then((m) => ({ default: m.MoreScreen }))) }),
  page({ name: 'feedback', path: 'feedback', group: 'cycle', icon: ICON.feedback, label: 'nav.feedback', nav: 'more', screen: lazy(() => import('./cycle/FeedbackScreen').then((m) => ({ default: m.FeedbackScreen }))) }),
  page({ name: 'schools', path: 'schools', group: 'planning', icon: ICON.schools, label: 'nav.schools', nav: 'more', screen: lazy(() => import('./planning/SchoolsScreen').then((m) => ({ default: m.SchoolsScreen }))) }),
  page({ name: 'contacts', path: 'contacts', group: 'cycle', icon: ICON.contacts, label: 'nav.contacts', nav: 'more', screen: lazy(() => import('./cycle/ContactsScreen').then((m) => ({ default: m.ContactsScreen }))) }),
  page({ name: 'group', path: 'group', group: 'cycle', icon: ICON.group, label: 'nav.group', nav: 'more', screen: lazy(() => import('./cycle/GroupScreen').then((m) => ({ default: m.GroupScreen }))) }),
  page({ name: 'agreement', path: 'agreement', group: 'exchange', icon: ICON.agreement, label: 'nav.agreement', nav: 'more', screen: lazy(() => import('./exchange/AgreementScreen').then((m) => ({ default: m.AgreementScreen }))) }),
  page({ name: 'organisations', path: 'organisations', group: 'cycle', icon: ICON.organisations, label: 'nav.organisations', nav: 'more', screen: lazy(() => import('./cycle/OrganisationsScreen').then((m) => ({ default: m.OrganisationsScreen }))) }),
  page({ name: 'growth', path: 'growth', group: 'cycle', icon: ICON.growth, label: 'nav.growth', nav: 'more', screen: lazy(() => import('./cycle/GrowthScreen').then((m) => ({ default: m.GrowthScreen }))) }),
  page({ name: 'deleted', path: 'deleted', group: 'partnership', icon: ICON.deleted, label: 'nav.deleted', nav: 'more', screen: lazy(() => import('./screens/RecentlyDeletedScreen').then((m) => ({ default: m.RecentlyDeletedScreen }))) }),
  page({ name: 'settings', path: 'settings', group: 'partnership', icon: ICON.settings, label: 'nav.settings', nav: 'more', withoutActor: true, screen: lazy(() => import('./screens/SettingsPage').then((m) => ({ default: m.SettingsPage }))) }),
  page({ name: 'changesFile', path: 'changes-file', group: 'partnership', icon: ICON.changesFile, label: 'nav.changesFile', nav: 'more', screen: lazy(() => import('./syncfile/ChangesFileScreen').then((m) => ({ default: m.ChangesFileScreen }))) }),
  // reached from another page
  page({ name: 'activity', path: 'activity/:activityId', group: 'planning', icon: ICON.plan, label: 'nav.plan', parent: 'plan', screen: lazy(() => import('./planning/ActivityScreen').then((m) => ({ default: m.ActivityScreen }))) }),
  page({ name: 'print', path: 'print', group: 'planning', icon: ICON.plan, label: 'nav.plan', parent: 'plan', screen: lazy(() => import('./planning/PrintScreen').then((m) => ({ default: m.PrintScreen }))) }),
  page({ name: 'reflection', path: 'feedback/:reflectionId', group: 'cycle', icon: ICON.feedback, label: 'nav.feedback', parent: 'feedback', screen: lazy(() => import('./cycle/ReflectionScreen').then((m) => ({ default: m.ReflectionScreen }))) }),
  page({ name: 'letterDraft', path: 'letters/draft/:draftId', group: 'exchange', icon: ICON.letters, label: 'nav.letters', parent: 'letters', screen: lazy(() => import('./exchange/LetterDraftScreen').then((m) => ({ default: m.LetterDraftScreen }))) }),
  page({ name: 'letter', path: 'letters/:letterId', group: 'exchange', icon: ICON.letters, label: 'nav.letters', parent: 'letters', screen: lazy(() => import('./exchange/LetterScreen').then((m) => ({ default: m.LetterScreen }))) }),
  page({ name: 'agreementPrint', path: 'agreement/print/:version?', group: 'exchange', icon: ICON.agreement, label: 'nav.agreement', parent: 'agreement', screen: lazy(() => import('./exchange/AgreementPrintScreen').then((m) => ({ default: m.AgreementPrintScreen }))) }),
  page({ name: 'restore', path: 'restore', group: 'partnership', icon: ICON.deleted, label: 'nav.deleted', parent: 'deleted', screen: lazy(() => import('./screens/RestoreScreen').then((m) => ({ default: m.RestoreScreen }))) }),
] as const

type AnyPage = (typeof PAGES)[number]
export type PageName = AnyPage['name']

/** A page with its parameters, as the address names it: `{ name: 'activity', activityId }`. */
export type PartnershipPage = AnyPage extends infer D ? (D extends PageDef<infer N, infer P> ? { readonly name: N } & ParamsOfPath<P> : never) : never

/** The page's entry. */
export function pageDef<N extends PageName>(name: N): Extract<AnyPage, { readonly name: N }> {
  return PAGES.find((p) => p.name === name) as Extract<AnyPage, { readonly name: N }>
}

/** The navigation entry a page belongs to: itself, or its parent (typed: a `parent` must name a page). */
export function navEntryOf(name: PageName): PageName {
  const def: AnyPage = pageDef(name)
  return def.parent ?? name
}

/** Segments of a path pattern: words, `:param` and `:param?`. */
function segmentsOf(path: string): string[] {
  return path.split('/')
}

const BY_LENGTH = [...PAGES].sort((a, b) => segmentsOf(b.path).length - segmentsOf(a.path).length)

/**
 * The page at `path` (what follows the room id, decoded): the entry whose pattern matches, longer
 * patterns first; segments beyond the pattern are ignored; nothing matching is This week.
 */
export function parsePage(path: string): PartnershipPage {
  const rest = path.split('/').filter(Boolean)
  for (const def of BY_LENGTH) {
    const params: Record<string, string> = {}
    const matches = segmentsOf(def.path).every((seg, i) => {
      const value = rest[i]
      if (seg.startsWith(':')) {
        const optional = seg.endsWith('?')
        if (value === undefined && !optional) return false
        params[seg.slice(1, optional ? -1 : undefined)] = value ?? ''
        return true
      }
      return value === seg
    })
    if (matches) return { name: def.name, ...params } as PartnershipPage
  }
  return { name: 'week' }
}

/** The pages that take no parameter. */
export type SimplePageName = { [K in PageName]: [Exclude<keyof Extract<PartnershipPage, { readonly name: K }>, 'name'>] extends [never] ? K : never }[PageName]

/** A page without parameters, by name; or a page with its parameters. */
export type PageRef = PartnershipPage | SimplePageName

/** The address of one page of a partnership: `pageHref(roomId, 'plan')`, `pageHref(roomId, { name: 'activity', activityId })`. */
export function pageHref(roomId: string, page: PageRef): string {
  const p = (typeof page === 'string' ? { name: page } : page) as PartnershipPage & Record<string, string>
  const path = segmentsOf(pageDef(p.name).path)
    .map((seg) => (seg.startsWith(':') ? encodeURIComponent(p[seg.slice(1).replace(/\?$/, '')] ?? '') : seg))
    .filter(Boolean)
    .join('/')
  return `${partnershipHref(roomId)}/${path}`
}

/** A page's icon, drawn in the text colour. */
export function PageIcon({ name }: { readonly name: PageName }) {
  return (
    <svg className="page-icon" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
      <path d={pageDef(name).icon} />
    </svg>
  )
}
