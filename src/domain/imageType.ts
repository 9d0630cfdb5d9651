/**
 * What a photo's bytes are, read from the bytes themselves (magic numbers), never from the type a
 * document claims: a record saying `text/html` or `image/svg+xml` must not become a `blob:` URL
 * the browser would run as a page in the app's origin. Only the types the app writes are known
 * (PHOTO_TYPES in src/domain/letters.ts); anything else is `undefined` and is not shown.
 */
export type SniffedImageType = 'image/jpeg' | 'image/webp'

export function sniffImageType(bytes: Uint8Array): SniffedImageType | undefined {
  // JPEG: FF D8 FF
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg'
  // WebP: "RIFF" <4-byte size> "WEBP"
  if (
    bytes.length >= 12 &&
    bytes[0] === 0x52 && bytes[1] === 0x49 && bytes[2] === 0x46 && bytes[3] === 0x46 &&
    bytes[8] === 0x57 && bytes[9] === 0x45 && bytes[10] === 0x42 && bytes[11] === 0x50
  ) {
    return 'image/webp'
  }
  return undefined
}
