/**
 * What can go wrong with a photo, from encoding it on this device to sending it to or fetching it
 * from the relay (docs/protocol.md, "Photos"). Shared by photoEncoding.ts and transfer.ts; the
 * codes are shown to the person (translated in the UI).
 */
export type PhotoErrorCode =
  /** The file is not a picture the browser can read. */
  | 'notAnImage'
  /** Even small and at low quality, the photo is larger than the relay accepts. */
  | 'tooLarge'
  /** IndexedDB is full: the photo could not be kept on this device. */
  | 'storageFull'
  /** The relay has no such photo (not sent yet by the other device). */
  | 'notFound'
  /** No connection to the relay. */
  | 'unreachable'
  /** The relay refused this partnership's invite. */
  | 'refused'
  /** What arrived does not match its hash. */
  | 'corrupt'
  /**
   * The relay holds as many photos of this partnership as it allows (507, `MAX_ROOM_BLOB_BYTES`):
   * the photo stays on this device; tried again once per app start, not in a loop.
   */
  | 'quotaFull'

export class PhotoError extends Error {
  constructor(readonly code: PhotoErrorCode) {
    super(`photo: ${code}`)
    this.name = 'PhotoError'
  }
}
