#!/usr/bin/env node
/**
 * Writes the app icons into public/icons/ (run once; the PNGs are committed):
 * two overlapping circles — two schools — on the theme colour.
 *
 *   node scripts/make-icons.mjs
 *
 * No image library: pixels are drawn with 4×4 supersampling and encoded as PNG with node's zlib.
 * The maskable icon keeps everything inside the central 80 % circle (the platform's safe zone).
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { deflateSync } from 'node:zlib'

const OUT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'public', 'icons')
const THEME = [0x1f, 0x6f, 0x5c]
const LEFT = { colour: [0xff, 0xff, 0xff], alpha: 0.92 }
const RIGHT = { colour: [0xf2, 0xc1, 0x4e], alpha: 0.88 }
const SAMPLES = 4

const CRC_TABLE = new Uint32Array(256).map((_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})

function crc32(bytes) {
  let c = 0xffffffff
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length)
  out.writeUInt32BE(data.length, 0)
  out.write(type, 4, 'ascii')
  data.copy(out, 8)
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length)
  return out
}

/** RGBA pixels → PNG file bytes. */
function encodePng(size, rgba) {
  const header = Buffer.alloc(13)
  header.writeUInt32BE(size, 0)
  header.writeUInt32BE(size, 4)
  header[8] = 8 // bit depth
  header[9] = 6 // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1))
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0 // filter: none
    rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4)
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

/** Source-over of a colour with alpha onto [r,g,b,a] (floats 0–1 for alpha). */
function over(dst, colour, alpha) {
  const a = alpha + dst[3] * (1 - alpha)
  if (a === 0) return [0, 0, 0, 0]
  const mix = (i) => (colour[i] * alpha + dst[i] * dst[3] * (1 - alpha)) / a
  return [mix(0), mix(1), mix(2), a]
}

function insideRoundedSquare(x, y, size, radius) {
  const cx = Math.min(Math.max(x, radius), size - radius)
  const cy = Math.min(Math.max(y, radius), size - radius)
  return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2
}

/**
 * Draws one icon. `tile`: 'rounded' (a rounded square on transparency) or 'full' (edge to edge,
 * for maskable). `scale`: size of the circles relative to the canvas.
 */
function drawIcon(size, { tile, scale }) {
  const rgba = Buffer.alloc(size * size * 4)
  const r = size * 0.2 * scale
  const offset = size * 0.11 * scale
  const centre = size / 2
  const circles = [
    { x: centre - offset, y: centre, ...LEFT },
    { x: centre + offset, y: centre, ...RIGHT },
  ]
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const acc = [0, 0, 0, 0]
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const x = px + (sx + 0.5) / SAMPLES
          const y = py + (sy + 0.5) / SAMPLES
          let c = [0, 0, 0, 0]
          const isTile = tile === 'full' || insideRoundedSquare(x, y, size, size * 0.22)
          if (isTile) c = [...THEME, 1]
          for (const circle of circles) {
            if ((x - circle.x) ** 2 + (y - circle.y) ** 2 <= r * r) c = over(c, circle.colour, circle.alpha)
          }
          // premultiplied accumulation, so edges against transparency do not darken
          acc[0] += c[0] * c[3]
          acc[1] += c[1] * c[3]
          acc[2] += c[2] * c[3]
          acc[3] += c[3]
        }
      }
      const o = (py * size + px) * 4
      const n = SAMPLES * SAMPLES
      const a = acc[3] / n
      rgba[o] = a ? Math.round(acc[0] / acc[3]) : 0
      rgba[o + 1] = a ? Math.round(acc[1] / acc[3]) : 0
      rgba[o + 2] = a ? Math.round(acc[2] / acc[3]) : 0
      rgba[o + 3] = Math.round(a * 255)
    }
  }
  return encodePng(size, rgba)
}

const ICONS = [
  { file: 'icon-192.png', size: 192, tile: 'rounded', scale: 1.3 },
  { file: 'icon-512.png', size: 512, tile: 'rounded', scale: 1.3 },
  // safe zone: a circle of 40 % radius; the circles span about 62 % of the width here
  { file: 'icon-maskable-512.png', size: 512, tile: 'full', scale: 1.2 },
  { file: 'apple-touch-icon-180.png', size: 180, tile: 'full', scale: 1.4 },
]

mkdirSync(OUT_DIR, { recursive: true })
for (const icon of ICONS) {
  const png = drawIcon(icon.size, icon)
  writeFileSync(join(OUT_DIR, icon.file), png)
  console.log(`${icon.file}: ${png.length} bytes`)
}
