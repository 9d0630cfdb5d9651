/**
 * Reads a QR code from pixels, without a network (`qr`'s decoder): what "Scan QR code" uses where
 * the browser has no `BarcodeDetector`, and for a photo of a code. Its text is untrusted — it is
 * whatever code the camera saw — and goes to the join form exactly as a pasted code would
 * (`parseInviteCode`). Loaded only when used: one chunk with drawQr.ts (vite.config.ts, `QR`).
 */
import decodeQR from 'qr/decode.js'

/** Pixels as a canvas gives them (`ImageData`): RGBA, 4 bytes a pixel, row by row. */
export interface Pixels {
  readonly width: number
  readonly height: number
  readonly data: Uint8ClampedArray | Uint8Array
}

/** The text of the QR code in the picture, or undefined when none can be read in it. */
export function readQr(image: Pixels): string | undefined {
  try {
    return decodeQR({ width: image.width, height: image.height, data: image.data }, { format: 'RGBA' })
  } catch {
    // no code found, or one too damaged to read: the camera tries the next frame
    return undefined
  }
}
