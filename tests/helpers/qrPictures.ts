/**
 * Pictures of QR codes for the tests, made and read in Node: a PNG reader for the browser's
 * screenshots and a PNG writer (8-bit RGBA, no interlace: what Chromium writes), a code drawn by
 * the app's own drawQr laid into a camera-sized frame, and that frame as a Y4M video for
 * Chromium's fake camera (`--use-file-for-fake-video-capture`).
 */
import { deflateSync, inflateSync } from 'node:zlib'
import { QUIET_ZONE, drawQr } from '../../src/ui/qr/drawQr'
import type { Pixels } from '../../src/ui/qr/readQr'

export interface Rgba extends Pixels {
  readonly data: Uint8ClampedArray
}

const SIGNATURE = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10])

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c
  const pa = Math.abs(p - a)
  const pb = Math.abs(p - b)
  const pc = Math.abs(p - c)
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c
}

/** Reads an 8-bit RGB or RGBA PNG without interlace into RGBA pixels. */
export function readPng(png: Buffer): Rgba {
  if (!png.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG')
  let width = 0
  let height = 0
  let channels = 0
  const idat: Buffer[] = []
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at)
    const type = png.toString('latin1', at + 4, at + 8)
    const body = png.subarray(at + 8, at + 8 + length)
    if (type === 'IHDR') {
      width = body.readUInt32BE(0)
      height = body.readUInt32BE(4)
      const [depth, colour, , , interlace] = [body[8], body[9], body[10], body[11], body[12]]
      if (depth !== 8 || interlace !== 0 || (colour !== 2 && colour !== 6)) throw new Error(`unsupported PNG (depth ${depth}, colour ${colour})`)
      channels = colour === 6 ? 4 : 3
    } else if (type === 'IDAT') idat.push(body)
    at += 12 + length
  }
  const raw = inflateSync(Buffer.concat(idat))
  const stride = width * channels
  const rows = new Uint8Array(height * stride)
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1))
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? rows[y * stride + x - channels]! : 0
      const b = y > 0 ? rows[(y - 1) * stride + x]! : 0
      const c = x >= channels && y > 0 ? rows[(y - 1) * stride + x - channels]! : 0
      const predictor = [0, a, b, (a + b) >> 1, paeth(a, b, c)][filter]
      if (predictor === undefined) throw new Error(`bad PNG filter ${filter}`)
      rows[y * stride + x] = (line[x]! + predictor) & 255
    }
  }
  const data = new Uint8ClampedArray(width * height * 4)
  for (let i = 0; i < width * height; i++) {
    data[i * 4] = rows[i * channels]!
    data[i * 4 + 1] = rows[i * channels + 1]!
    data[i * 4 + 2] = rows[i * channels + 2]!
    data[i * 4 + 3] = channels === 4 ? rows[i * channels + 3]! : 255
  }
  return { width, height, data }
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})

function crc32(bytes: Buffer): number {
  let c = 0xffffffff
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 255]! ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

function chunk(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(8)
  head.writeUInt32BE(body.length, 0)
  head.write(type, 4, 'latin1')
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])), 0)
  return Buffer.concat([head, body, crc])
}

/** Writes RGBA pixels as a PNG. */
export function writePng(image: Rgba): Buffer {
  const header = Buffer.alloc(13)
  header.writeUInt32BE(image.width, 0)
  header.writeUInt32BE(image.height, 4)
  header.set([8, 6, 0, 0, 0], 8)
  const raw = Buffer.alloc(image.height * (image.width * 4 + 1))
  for (let y = 0; y < image.height; y++) {
    raw.set(image.data.subarray(y * image.width * 4, (y + 1) * image.width * 4), y * (image.width * 4 + 1) + 1)
  }
  return Buffer.concat([SIGNATURE, chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))])
}

/** A grey frame of `width` × `height` with `picture` laid in its middle: what a camera would see. */
export function inFrame(picture: Rgba, width = 640, height = 480, grey = 150): Rgba {
  const data = new Uint8ClampedArray(width * height * 4).fill(grey)
  const left = Math.floor((width - picture.width) / 2)
  const top = Math.floor((height - picture.height) / 2)
  for (let i = 3; i < data.length; i += 4) data[i] = 255
  for (let y = 0; y < picture.height; y++) {
    for (let x = 0; x < picture.width; x++) {
      const from = (y * picture.width + x) * 4
      const to = ((top + y) * width + left + x) * 4
      data.set(picture.data.subarray(from, from + 4), to)
    }
  }
  return { width, height, data }
}

/** The app's QR code of `text` (drawQr), `pixelsPerModule` wide a module, with its quiet zone. */
export function qrPicture(text: string, pixelsPerModule: number): Rgba {
  const drawing = drawQr(text)
  const side = Math.round(drawing.side * pixelsPerModule)
  const data = new Uint8ClampedArray(side * side * 4)
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const dark = drawing.isDark(Math.floor(x / pixelsPerModule) - QUIET_ZONE, Math.floor(y / pixelsPerModule) - QUIET_ZONE)
      data.fill(dark ? 0 : 255, (y * side + x) * 4, (y * side + x) * 4 + 3)
      data[(y * side + x) * 4 + 3] = 255
    }
  }
  return { width: side, height: side, data }
}

/**
 * A Y4M video (4:2:0, grey: U and V at 128) showing `image` in every frame: Chromium's fake camera
 * plays it in a loop. Width and height must be even.
 */
export function y4mVideo(image: Rgba, frames = 3): Buffer {
  const { width, height, data } = image
  const luma = Buffer.alloc(width * height)
  for (let i = 0; i < width * height; i++) {
    luma[i] = Math.round(0.299 * data[i * 4]! + 0.587 * data[i * 4 + 1]! + 0.114 * data[i * 4 + 2]!)
  }
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128)
  const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, chroma])
  return Buffer.concat([Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`), ...Array.from({ length: frames }, () => frame)])
}
