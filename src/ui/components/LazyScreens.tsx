/**
 * Screens loaded on first use (React.lazy), and what a teacher sees when one cannot be loaded:
 * the device went offline before the service worker had stored that part of the app, or a new
 * version replaced it. Instead of a blank page, the screen's place says so and offers
 * "Try again"; the rest of the partnership (its navigation, the sync status, the data) stays.
 *
 * Try again first imports the screen again and shows it without a reload. That is not always
 * possible: React.lazy keeps a failed import for good (so each retry makes a new lazy component),
 * but Chromium also keeps a failed module fetch for the page's lifetime, and a chunk a new version
 * removed will never come back. Then the page reloads — only when that is safe: the service worker
 * serves the app, or the server answers (a reload while offline without it would leave nothing).
 * A reload loses nothing: every edit is already on the device (IndexedDB and its journal), a
 * letter draft is written as it is typed, and the screen that failed never showed a form.
 */
import { Component, Suspense, lazy, useState, type ComponentProps, type ComponentType, type ErrorInfo, type LazyExoticComponent, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { useFocusOnMount } from '../hooks/useFocusOnMount'

/** The import of a screen's chunk failed (offline, or removed by a deploy). */
export class ScreenLoadError extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause })
    this.name = 'ScreenLoadError'
  }
}

/** For each screen whose import failed: import it again; true when that worked. */
const failed = new Set<() => Promise<boolean>>()

/** Like React.lazy (same signature), but a failed import can be tried again (`retryFailedScreens`). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as React.lazy: any component's props
export function lazyScreen<T extends ComponentType<any>>(load: () => Promise<{ default: T }>): ComponentType<ComponentProps<T>> {
  const fromNetwork = (): LazyExoticComponent<T> =>
    lazy(() =>
      load().catch((cause: unknown) => {
        failed.add(retry)
        throw new ScreenLoadError(cause)
      }),
    )
  let Loaded = fromNetwork()
  const retry = async (): Promise<boolean> => {
    try {
      const module = await load()
      Loaded = lazy(() => Promise.resolve(module))
      return true
    } catch {
      return false
    }
  }
  function LazyScreen(props: ComponentProps<T>) {
    return <Loaded {...props} />
  }
  return LazyScreen
}

/** Imports every screen that failed again; true when all of them are there now. */
async function retryFailedScreens(): Promise<boolean> {
  const results = await Promise.all(
    [...failed].map(async (retry) => {
      const ok = await retry()
      if (ok) failed.delete(retry)
      return ok
    }),
  )
  return results.every(Boolean)
}

/** A reload brings the app back: the service worker serves it, or the server answers now. */
async function canReload(): Promise<boolean> {
  if (typeof navigator !== 'undefined' && navigator.serviceWorker?.controller) return true
  try {
    const response = await fetch(new URL(import.meta.env.BASE_URL, window.location.href), { cache: 'no-store' })
    return response.ok
  } catch {
    return false
  }
}

function ScreenProblem({ error, onLoaded }: { readonly error: unknown; readonly onLoaded: () => void }) {
  const { t } = useTranslation()
  const headingRef = useFocusOnMount<HTMLHeadingElement>()
  const [isTrying, setIsTrying] = useState(false)
  const [isStillOffline, setIsStillOffline] = useState(false)
  const couldNotLoad = error instanceof ScreenLoadError

  const tryAgain = async (): Promise<void> => {
    if (!couldNotLoad) {
      onLoaded()
      return
    }
    setIsTrying(true)
    setIsStillOffline(false)
    if (await retryFailedScreens()) {
      onLoaded()
      return
    }
    if (await canReload()) {
      window.location.reload()
      return
    }
    setIsTrying(false)
    setIsStillOffline(true)
  }

  return (
    <section className="notice" aria-labelledby="screen-problem-heading">
      <h2 id="screen-problem-heading" ref={headingRef} tabIndex={-1}>
        {couldNotLoad ? t('screenLoad.failedTitle') : t('screenLoad.crashedTitle')}
      </h2>
      <p>{couldNotLoad ? t('screenLoad.failed') : t('screenLoad.crashed')}</p>
      <div className="actions">
        <button type="button" className="button-primary" onClick={() => void tryAgain()} disabled={isTrying} aria-busy={isTrying}>
          {t('screenLoad.retry')}
        </button>
      </div>
      <p role="status" className="hint">
        {isStillOffline ? t('screenLoad.stillOffline') : null}
      </p>
    </section>
  )
}

interface BoundaryState {
  readonly error: unknown
  readonly hasError: boolean
}

class ScreenBoundary extends Component<{ readonly children: ReactNode }, BoundaryState> {
  override state: BoundaryState = { error: undefined, hasError: false }

  static getDerivedStateFromError(error: unknown): BoundaryState {
    return { error, hasError: true }
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    if (!(error instanceof ScreenLoadError)) console.error(error, info.componentStack)
  }

  private readonly reset = (): void => {
    this.setState({ error: undefined, hasError: false })
  }

  override render(): ReactNode {
    if (this.state.hasError) return <ScreenProblem error={this.state.error} onLoaded={this.reset} />
    return this.props.children
  }
}

/**
 * Where lazy screens are shown: "Opening…" (or `fallback`) while one loads, the problem and "Try
 * again" when it cannot. `page` names the screen: another screen starts afresh.
 */
export function LazyScreens({ page, fallback, children }: { readonly page: string; readonly fallback?: ReactNode; readonly children: ReactNode }) {
  const { t } = useTranslation()
  return (
    <ScreenBoundary key={page}>
      <Suspense fallback={fallback ?? <p className="muted">{t('partnership.opening')}</p>}>{children}</Suspense>
    </ScreenBoundary>
  )
}
