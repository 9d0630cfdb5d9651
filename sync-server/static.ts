/**
 * Serves the built app from a folder (the Vite build), compressed once at build time.
 *
 * - Files are indexed at start; only indexed paths are served, so no path can escape the folder.
 * - `.br` and `.gz` siblings written by the build are sent when the client accepts them; nothing
 *   is compressed per request.
 * - Hashed assets (`/assets/…`) are immutable for a year; `index.html`, the manifest and the
 *   service worker are always revalidated (ETag), so an update reaches phones on next open.
 * - Any other path that looks like a page falls back to `index.html` (the app routes itself).
 */
import { createHash } from 'node:crypto'
import { createReadStream, readFileSync, readdirSync, statSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { extname, join, relative, sep } from 'node:path'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
}

/** A Host header as browsers send it: a name or IPv4 address, or a bracketed IPv6 one, and a port. */
const HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/

/**
 * The Content-Security-Policy of every page (index.html, and the fallback for any page path): no
 * inline script or style, nothing framed, no other origin. `connect-src` names the relay's
 * WebSocket on this host explicitly (`/sync`, see defaultRelayUrl in src/sync/connection.ts)
 * besides `'self'`, for browsers whose `'self'` does not cover ws:/wss:. A photo is an `<img>` of
 * a `blob:` URL (src/ui/components/Photo.tsx).
 * `styleHashes`: the `'sha256-…'` sources of the `<style>` elements of the build's index.html
 * (`inlineStyleHashes`; the first view's stylesheet is inlined, vite.config.ts): exactly those
 * texts are allowed, still no other inline style and no `style="…"` attribute.
 */
export function contentSecurityPolicy(host: string | undefined, styleHashes: readonly string[] = []): string {
  const relay = host && HOST.test(host) ? ` ws://${host} wss://${host}` : ''
  return [
    "default-src 'self'",
    "script-src 'self'",
    `connect-src 'self'${relay}`,
    "img-src 'self' blob: data:",
    ["style-src 'self'", ...styleHashes].join(' '),
    "worker-src 'self'",
    "manifest-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "object-src 'none'",
  ].join('; ')
}

/**
 * The CSP sources (`'sha256-<base64>'`) of the `<style>` elements in an HTML page, in order: what
 * a browser hashes is the element's text exactly as written between the tags.
 */
export function inlineStyleHashes(html: string): string[] {
  return [...html.matchAll(/<style(?:\s[^>]*)?>([\s\S]*?)<\/style>/gi)].map(
    (m) => `'sha256-${createHash('sha256').update(m[1] ?? '', 'utf8').digest('base64')}'`,
  )
}

function styleHashesOf(root: string): string[] {
  try {
    return inlineStyleHashes(readFileSync(join(root, 'index.html'), 'utf8'))
  } catch {
    return []
  }
}

const IMMUTABLE = 'public, max-age=31536000, immutable'
const REVALIDATE = 'no-cache'
const SHORT = 'public, max-age=86400'

interface Entry {
  readonly path: string
  readonly size: number
  readonly etag: string
  readonly type: string
  readonly cacheControl: string
  readonly br?: { path: string; size: number }
  readonly gz?: { path: string; size: number }
}

function walk(dir: string): string[] {
  const out: string[] = []
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, d.name)
    if (d.isDirectory()) out.push(...walk(p))
    else if (d.isFile()) out.push(p)
  }
  return out
}

function cacheControlFor(urlPath: string): string {
  if (urlPath.startsWith('/assets/')) return IMMUTABLE
  if (urlPath === '/index.html' || urlPath === '/sw.js' || urlPath.endsWith('.webmanifest') || urlPath.startsWith('/workbox-')) {
    return REVALIDATE
  }
  return SHORT
}

export interface StaticSite {
  /** Handles the request if it is for the app; returns false when it is not ours (an API path). */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): boolean
  readonly fileCount: number
}

function buildIndex(root: string): Map<string, Entry> {
  const files = new Map<string, Entry>()
  let all: string[] = []
  try {
    all = walk(root)
  } catch {
    all = []
  }
  const present = new Set(all)
  for (const file of all) {
    if (file.endsWith('.br') || file.endsWith('.gz')) continue
    try {
      const urlPath = '/' + relative(root, file).split(sep).join('/')
      const size = statSync(file).size
      const etag = `"${createHash('sha1').update(readFileSync(file)).digest('base64url').slice(0, 22)}"`
      const br = present.has(file + '.br') ? { path: file + '.br', size: statSync(file + '.br').size } : undefined
      const gz = present.has(file + '.gz') ? { path: file + '.gz', size: statSync(file + '.gz').size } : undefined
      files.set(urlPath, {
        path: file,
        size,
        etag,
        type: TYPES[extname(file)] ?? 'application/octet-stream',
        cacheControl: cacheControlFor(urlPath),
        ...(br ? { br } : {}),
        ...(gz ? { gz } : {}),
      })
    } catch {
      /* removed while we looked: the next index picks up what is there */
    }
  }
  return files
}

/** A stamp of the build: index.html changes with every build (its asset names are hashed). */
function buildStamp(root: string): string {
  try {
    const st = statSync(join(root, 'index.html'))
    return `${st.mtimeMs}:${st.size}`
  } catch {
    return 'none'
  }
}

export function serveStatic(root: string): StaticSite {
  // Indexed at start and again whenever the build changes under a running relay (`npm run build`
  // in another terminal): new hashed files, new sizes and ETags.
  let stamp = buildStamp(root)
  let files = buildIndex(root)
  let styleHashes = styleHashesOf(root)
  const current = (): Map<string, Entry> => {
    const now = buildStamp(root)
    if (now !== stamp) {
      stamp = now
      files = buildIndex(root)
      styleHashes = styleHashesOf(root)
    }
    return files
  }

  return {
    get fileCount() {
      return current().size
    },
    handle(req, res, url) {
      const files = current()
      if (req.method !== 'GET' && req.method !== 'HEAD') return false
      let path: string
      try {
        path = decodeURIComponent(url.pathname)
      } catch {
        return false // a malformed escape: not one of our files
      }
      if (path === '/') path = '/index.html'
      let entry = files.get(path)
      if (!entry) {
        const accept = req.headers.accept ?? ''
        const looksLikePage = !extname(path) && (accept.includes('text/html') || accept === '' || accept.includes('*/*'))
        if (!looksLikePage) return false
        entry = files.get('/index.html')
        if (!entry) return false
      }
      const headers: Record<string, string | number> = {
        'Content-Type': entry.type,
        'Cache-Control': entry.cacheControl,
        ETag: entry.etag,
        Vary: 'Accept-Encoding',
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
      }
      if (entry.type.startsWith('text/html')) headers['Content-Security-Policy'] = contentSecurityPolicy(req.headers.host, styleHashes)
      if (req.headers['if-none-match'] === entry.etag) {
        res.writeHead(304, headers)
        res.end()
        return true
      }
      const acceptEncoding = String(req.headers['accept-encoding'] ?? '')
      let body: { path: string; size: number } = entry
      if (entry.br && /\bbr\b/.test(acceptEncoding)) {
        body = entry.br
        headers['Content-Encoding'] = 'br'
      } else if (entry.gz && /\bgzip\b/.test(acceptEncoding)) {
        body = entry.gz
        headers['Content-Encoding'] = 'gzip'
      }
      headers['Content-Length'] = body.size
      res.writeHead(200, headers)
      if (req.method === 'HEAD') res.end()
      else {
        // the folder can change under a running relay (a rebuild): a vanished file ends this
        // response, never the process
        const stream = createReadStream(body.path)
        stream.on('error', () => res.destroy())
        stream.pipe(res)
      }
      return true
    },
  }
}
