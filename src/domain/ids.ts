/** Random identifiers for records. 96 random bits, base64url: unique without coordination. */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

export function randomId(bytes = 12): string {
  const buf = new Uint8Array(bytes)
  globalThis.crypto.getRandomValues(buf)
  let out = ''
  // 12 bytes → 16 characters of 6 bits each
  for (let i = 0; i < buf.length; i += 3) {
    const n = ((buf[i] ?? 0) << 16) | ((buf[i + 1] ?? 0) << 8) | (buf[i + 2] ?? 0)
    out += ALPHABET[(n >> 18) & 63]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + ALPHABET[n & 63]!
  }
  return out
}
