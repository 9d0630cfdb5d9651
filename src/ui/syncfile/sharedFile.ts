/**
 * A changes file shared to the app ("Open with" from a chat app or the file manager). The web
 * manifest's `share_target` posts it to `/share-changes-file`; the service worker
 * (public/share-target.js, imported by the generated sw.js) keeps it in the Cache Storage under
 * SHARED_FILE_URL and answers with a redirect to SHARED_FILE_HASH. At start the app opens the
 * partnership the file names on its "Changes by file" page, which takes the file and opens it.
 * The names here and in public/share-target.js must stay the same.
 */
import { roomOfChangesFile } from '../../sync/changesFile'

export const SHARED_FILE_CACHE = 'scholenband-shared-file'
export const SHARED_FILE_URL = '/shared-changes-file'
export const SHARED_FILE_HASH = '#/shared-changes-file'

async function sharedResponse(): Promise<Response | undefined> {
  if (typeof caches === 'undefined') return undefined
  try {
    const cache = await caches.open(SHARED_FILE_CACHE)
    return await cache.match(SHARED_FILE_URL)
  } catch {
    return undefined
  }
}

/** The file shared to the app, taken out of the cache (undefined when there is none). */
export async function takeSharedFile(): Promise<File | undefined> {
  const response = await sharedResponse()
  if (!response) return undefined
  const name = decodeURIComponent(response.headers.get('x-file-name') ?? 'changes.json')
  const blob = await response.blob()
  await caches.delete(SHARED_FILE_CACHE).catch(() => false)
  return new File([blob], name, { type: blob.type })
}

/** The room id the shared file names, read without taking it (to open the right partnership). */
export async function roomOfSharedFile(): Promise<string | undefined> {
  const response = await sharedResponse()
  if (!response) return undefined
  try {
    return roomOfChangesFile(await response.text())
  } catch {
    return undefined
  }
}
