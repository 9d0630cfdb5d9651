/**
 * HTTP against the relay (docs/protocol.md, "Photos"): its base address, the room proof header
 * (also used for snapshots and devices), and one resumable photo upload (`HEAD` for the relay's
 * offset, then `PUT` chunks with `Content-Range`). The queue that calls it is transfer.ts.
 */
import { PhotoError, type PhotoErrorCode } from './photoError'

/** The relay's http(s) base for a WebSocket address: `wss://host/sync` → `https://host`. */
export function relayHttpUrl(wsUrl: string): string {
  const url = new URL(wsUrl)
  url.protocol = url.protocol === 'wss:' ? 'https:' : url.protocol === 'ws:' ? 'http:' : url.protocol
  url.pathname = url.pathname.replace(/\/sync\/?$/, '').replace(/\/+$/, '')
  url.search = ''
  url.hash = ''
  return url.toString().replace(/\/+$/, '')
}

/**
 * The room proof on an HTTP request to the relay (photos, snapshots): a whole `Authorization` value
 * (`Device <id>.<token>` or `Bearer <token>`, wire.ts `authorizationHeader`), or a bare invite token
 * (sent as `Bearer <token>`).
 */
export function proofHeaders(proof: string): { Authorization: string } {
  return { Authorization: /^(Bearer|Device) /.test(proof) ? proof : `Bearer ${proof}` }
}

/** A failure that will pass (no connection, relay busy): the whole queue waits and retries. */
export class Transient extends Error {
  constructor(readonly code: PhotoErrorCode) {
    super(code)
  }
}

const CHUNK_BYTES = 64 * 1024

/** A fetch that failed on the network: a passing failure. */
async function request(doFetch: typeof fetch, url: string, init: RequestInit): Promise<Response> {
  try {
    return await doFetch(url, init)
  } catch {
    throw new Transient('unreachable')
  }
}

export interface ResumableUpload {
  readonly doFetch: typeof fetch
  /** `<base>/blobs/<roomId>/<hash>`. */
  readonly url: string
  /** The room proof (see `proofHeaders`). */
  readonly token: string
  readonly data: Uint8Array
  /** Bytes per upload request (64 KiB). */
  readonly chunkBytes?: number
  /** Told the relay's offset before each chunk. */
  readonly progress: (sent: number) => Promise<void>
}

/**
 * Uploads one photo from where the relay is; resolves once the relay holds all of it. Throws a
 * PhotoError when sending again cannot help, a `Transient` when it can.
 */
export async function uploadResumable(upload: ResumableUpload): Promise<void> {
  const { doFetch, url, token, data } = upload
  const total = data.byteLength
  const auth = proofHeaders(token)
  const head = await request(doFetch, url, { method: 'HEAD', headers: auth })
  let offset: number
  if (head.status === 200) {
    return
  } else if (head.status === 204 || head.status === 404) {
    offset = Number(head.headers.get('Upload-Offset') ?? 0) || 0
  } else {
    throw failureOf(head.status)
  }
  if (offset > total) offset = 0
  const chunk = upload.chunkBytes ?? CHUNK_BYTES
  let mismatches = 0
  // a relay that answers without moving on must not keep us here
  for (let requests = 0; requests < Math.ceil(total / chunk) * 3 + 4; requests++) {
    await upload.progress(offset)
    // the relay holding every byte unchecked (it stopped before the check) checks them on any
    // chunk: send the last byte
    const start = Math.min(offset, total - 1)
    const end = Math.min(start + chunk, total)
    const res = await request(doFetch, url, {
      method: 'PUT',
      headers: { ...auth, 'Content-Range': `bytes ${start}-${end - 1}/${total}`, 'Content-Type': 'application/octet-stream' },
      body: data.subarray(start, end) as Uint8Array<ArrayBuffer>,
    })
    const relayOffset = Number(res.headers.get('Upload-Offset') ?? NaN)
    if (res.status === 200 || res.status === 201) {
      return
    }
    if (res.status === 204 && Number.isFinite(relayOffset)) {
      offset = relayOffset
      continue
    }
    if (res.status === 409 && Number.isFinite(relayOffset) && !res.headers.get('Retry-After')) {
      offset = relayOffset
      continue
    }
    if (res.status === 422 && mismatches++ === 0) {
      offset = 0 // the relay dropped what it had; once more from the start
      continue
    }
    if (res.status === 422) throw new PhotoError('corrupt')
    throw failureOf(res.status)
  }
  throw new Transient('unreachable')
}

function failureOf(status: number): Error {
  if (status === 413) return new PhotoError('tooLarge')
  if (status === 507) return new PhotoError('quotaFull')
  // refused or unknown room (a partnership created offline reaches the relay with its first sync):
  // keep the photo and try again later
  if (status === 401 || status === 403) return new Transient('refused')
  return new Transient('unreachable')
}
