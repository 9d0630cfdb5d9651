/**
 * This device's side of changes files (src/sync/changesFile.ts): what the partner is known to
 * hold (the `holds` state vector of the last changes file opened here, per partnership), and the
 * photos a file brought.
 *
 * The partner's state is a hint, not data: it only makes the next file smaller. It lives in
 * localStorage (`sb-partner-holds-<roomId>`: base64 state vector, a space, the file's ISO time);
 * when it is missing the next file holds the whole partnership, which is always correct.
 */
import { fromBase64, toBase64 } from 'lib0/buffer'
import { storePhotoForUpload, type StoredPhotoMeta } from './blobs'
import { registry } from './db'

function keyOf(roomId: string): string {
  return `sb-partner-holds-${roomId}`
}

export interface PartnerHolds {
  /** The partner's state vector (`Y.encodeStateVector`). */
  readonly holds: Uint8Array
  /** When the partner wrote the file that said so. */
  readonly since: string
}

/** What the partner is known to hold, or undefined when no file from them was opened here. */
export function partnerHoldsIn(roomId: string): PartnerHolds | undefined {
  try {
    const value = localStorage.getItem(keyOf(roomId))
    if (!value) return undefined
    const [b64, since] = value.split(' ')
    return b64 && since ? { holds: fromBase64(b64), since } : undefined
  } catch {
    return undefined
  }
}

/** Remembers what the partner held when they wrote a file opened here (a newer file replaces an older one). */
export function notePartnerHolds(roomId: string, holds: Uint8Array, since: string): void {
  try {
    const known = partnerHoldsIn(roomId)
    if (known && known.since > since) return
    localStorage.setItem(keyOf(roomId), `${toBase64(holds)} ${since}`)
  } catch {
    /* storage disabled: the next file holds the whole partnership */
  }
}

/**
 * Keeps a photo that came in a changes file, and queues it for the relay like one taken here
 * (the device that took it may not reach the relay for weeks).
 */
export function keepPhotoFromFile(roomId: string, meta: StoredPhotoMeta, data: Uint8Array): Promise<void> {
  return storePhotoForUpload(registry(), roomId, meta, data)
}
