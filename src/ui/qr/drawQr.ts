/**
 * Draws a QR code on the device, without a network (lean-qr): the code's dark modules as one SVG
 * path, the quiet zone included, for "Show QR code" (ShowQrCode.tsx). Loaded only when used: this
 * file and the QR libraries are one chunk of their own (vite.config.ts, `QR`).
 */
import { correction, generate } from 'lean-qr'

/** The light border every reader needs around the code, in modules (the standard asks for 4). */
export const QUIET_ZONE = 4

export interface QrDrawing {
  /** The side of the whole picture in modules, the quiet zone on both sides included. */
  readonly side: number
  /** An SVG path of the dark modules, one unit per module, in a `0 0 side side` view box. */
  readonly path: string
  /** Whether a module is dark; x and y count from the code's corner (0 … side − 2·QUIET_ZONE − 1). */
  readonly isDark: (x: number, y: number) => boolean
}

/** The QR code of `text` (medium error correction: still read from a scratched or tilted screen). */
export function drawQr(text: string): QrDrawing {
  const code = generate(text, { minCorrectionLevel: correction.M })
  let path = ''
  for (let y = 0; y < code.size; y++) {
    // a run of dark modules in a row is one rectangle: a short path, no seams between modules
    for (let x = 0; x < code.size; ) {
      if (!code.get(x, y)) {
        x++
        continue
      }
      let end = x + 1
      while (end < code.size && code.get(end, y)) end++
      path += `M${x + QUIET_ZONE} ${y + QUIET_ZONE}h${end - x}v1h${x - end}z`
      x = end
    }
  }
  return { side: code.size + 2 * QUIET_ZONE, path, isDark: (x, y) => code.get(x, y) }
}
