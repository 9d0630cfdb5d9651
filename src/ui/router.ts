/**
 * Routing through `location.hash`, so a reload keeps the place and navigation works offline
 * (the service worker only ever serves index.html):
 *
 *   #/                   home (partnerships on this device; create, join)
 *   #/create, #/join     the two ways in
 *   #/p/<roomId>         this week (the partnership's first screen)
 *   #/p/<roomId>/<page>  a page of the partnership: `plan`, `activity/<id>`, `letters/draft/<id>`, …
 *
 * The partnership's pages and their paths are declared once, in pages.tsx (`PAGES`), which turns
 * the path after the room id into a page (`parsePage`, with the page's type `PartnershipPage`) and
 * a page into a link (`pageHref`). This module stays free of the table, so the home screen (the
 * first view) does not carry it.
 *
 * The invite link is different: `#join=<code>` (see src/sync/wire.ts `inviteLink`). It is read once
 * at start, and the code is taken out of the address bar so it does not linger in history.
 */
import { useCallback, useEffect, useState } from 'react'

export type Route =
  | { readonly name: 'home' }
  | { readonly name: 'create' }
  | { readonly name: 'join' }
  /** `path`: what follows the room id, decoded ('letters/draft/x'); its page: `parsePage` in pages.tsx. */
  | { readonly name: 'partnership'; readonly roomId: string; readonly path: string }

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent)
  const [first, roomId, ...rest] = parts
  if (first === 'create') return { name: 'create' }
  if (first === 'join') return { name: 'join' }
  if (first === 'p' && roomId) return { name: 'partnership', roomId, path: rest.join('/') }
  return { name: 'home' }
}

export function hrefOf(route: Route): string {
  switch (route.name) {
    case 'home':
      return '#/'
    case 'create':
      return '#/create'
    case 'join':
      return '#/join'
    case 'partnership':
      return `${partnershipHref(route.roomId)}${route.path ? `/${route.path.split('/').map(encodeURIComponent).join('/')}` : ''}`
  }
}

/** A partnership's first screen (This week). Links to its other pages: `pageHref` in pages.tsx. */
export function partnershipHref(roomId: string): string {
  return `#/p/${encodeURIComponent(roomId)}`
}

const JOIN_LINK_PREFIX = '#join='

/** Reads an invite link's code from the address once, and removes it from the address bar. */
export function takeInviteFromLocation(): string | undefined {
  if (!window.location.hash.startsWith(JOIN_LINK_PREFIX)) return undefined
  let code = window.location.hash.slice(JOIN_LINK_PREFIX.length)
  try {
    code = decodeURIComponent(code)
  } catch {
    /* keep it as it is; the join form reports what is wrong with it */
  }
  window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search)
  return code
}

const LAST_PARTNERSHIP_KEY = 'sb-last-partnership'

/** Remembers the partnership on screen, so the next cold start (the home-screen icon) opens it. */
export function rememberPartnership(roomId: string): void {
  try {
    localStorage.setItem(LAST_PARTNERSHIP_KEY, roomId)
  } catch {
    /* storage disabled: the app starts on the home screen */
  }
}

/**
 * On a cold start at the bare address (`/`, no hash — the installed app's start URL), the room id
 * of the partnership used last, if any. An explicit `#/` (All partnerships) is left alone.
 */
export function partnershipToResume(): string | undefined {
  if (window.location.hash !== '') return undefined
  try {
    return localStorage.getItem(LAST_PARTNERSHIP_KEY) ?? undefined
  } catch {
    return undefined
  }
}

export function navigate(href: string, opts: { replace?: boolean } = {}): void {
  if (opts.replace) {
    window.history.replaceState(window.history.state, '', href)
    window.dispatchEvent(new HashChangeEvent('hashchange'))
  } else {
    window.location.hash = href
  }
}

/**
 * The current route. `initial` overrides the address once (used for the invite link, whose hash
 * has just been cleared).
 */
export function useRoute(initial?: Route): Route {
  const [route, setRoute] = useState<Route>(() => initial ?? parseRoute(window.location.hash))
  const onChange = useCallback(() => setRoute(parseRoute(window.location.hash)), [])
  useEffect(() => {
    window.addEventListener('hashchange', onChange)
    return () => window.removeEventListener('hashchange', onChange)
  }, [onChange])
  return route
}
