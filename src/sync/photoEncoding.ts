/**
 * Photos on a data budget, on the device before anything is stored (`preparePhoto`): decode,
 * shrink to 1600 px on the longest side, encode (WebP where the browser can, else JPEG) lowering
 * the quality until the file is at most ~200 KB, and hash it (SHA-256, the name the photo has in
 * the document and on the relay). Coordinated by attachments.ts.
 */
import { digest as lib0Sha256 } from 'lib0/hash/sha256'
import type { PhotoRef } from '../domain'
import { sniffImageType } from '../domain/imageType'
import { PhotoError } from './photoError'

export const MAX_PHOTO_SIDE = 1600
export const TARGET_PHOTO_BYTES = 200 * 1024
/** The relay's default limit: a photo that cannot be made smaller than this is refused here. */
export const MAX_PHOTO_BYTES = 1024 * 1024
/** Qualities tried in turn, highest first. */
export const PHOTO_QUALITIES = [0.82, 0.72, 0.62, 0.52, 0.42] as const
/** When even the lowest quality is too big, the picture shrinks by this factor, down to MIN_SIDE. */
const SHRINK = 0.8
const MIN_SIDE = 480

// ---------------------------------------------------------------------------------------------
// Hashing

function toHex(bytes: Uint8Array): string {
  let out = ''
  for (const b of bytes) out += b.toString(16).padStart(2, '0')
  return out
}

/** SHA-256 as 64 lowercase hex digits: WebCrypto where there is one (secure contexts), else lib0. */
export async function sha256Hex(data: Uint8Array): Promise<string> {
  const subtle = globalThis.crypto?.subtle
  if (subtle && typeof subtle.digest === 'function') {
    try {
      return toHex(new Uint8Array(await subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>)))
    } catch {
      /* fall through to lib0 */
    }
  }
  return toHex(lib0Sha256(data))
}

// ---------------------------------------------------------------------------------------------
// Size and quality

/** The size that fits within `maxSide` on the longest side, keeping the aspect ratio; never enlarges. */
export function fitWithin(width: number, height: number, maxSide: number = MAX_PHOTO_SIDE): { width: number; height: number } {
  const longest = Math.max(width, height)
  if (longest <= maxSide) return { width, height }
  const scale = maxSide / longest
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) }
}

export interface EncodeAttempt {
  readonly width: number
  readonly height: number
  readonly quality: number
}

export interface Encoded {
  readonly blob: Blob
  readonly width: number
  readonly height: number
  readonly quality: number
  /** How many encodings it took. */
  readonly attempts: number
}

/**
 * Encodes at the highest quality that fits `targetBytes`: each quality in turn at the fitted size,
 * then the same at a smaller size, until it fits. Pure apart from `encode` (a canvas in the
 * browser, a fake in tests). Gives the smallest result when nothing fits the target, and throws
 * `tooLarge` when even that is over `hardLimit`.
 */
export async function encodeWithinBudget(
  source: { width: number; height: number },
  encode: (attempt: EncodeAttempt) => Promise<Blob>,
  opts: { maxSide?: number; targetBytes?: number; hardLimit?: number; qualities?: readonly number[]; minSide?: number } = {},
): Promise<Encoded> {
  const targetBytes = opts.targetBytes ?? TARGET_PHOTO_BYTES
  const hardLimit = opts.hardLimit ?? MAX_PHOTO_BYTES
  const qualities = opts.qualities ?? PHOTO_QUALITIES
  const minSide = opts.minSide ?? MIN_SIDE
  let size = fitWithin(source.width, source.height, opts.maxSide ?? MAX_PHOTO_SIDE)
  let smallest: Encoded | undefined
  let attempts = 0
  for (;;) {
    for (const quality of qualities) {
      const blob = await encode({ ...size, quality })
      attempts++
      const result = { blob, ...size, quality, attempts }
      if (blob.size <= targetBytes) return result
      if (!smallest || blob.size < smallest.blob.size) smallest = result
    }
    const longest = Math.max(size.width, size.height)
    if (longest * SHRINK < minSide) break
    size = fitWithin(size.width, size.height, Math.floor(longest * SHRINK))
  }
  if (!smallest || smallest.blob.size > hardLimit) throw new PhotoError('tooLarge')
  return { ...smallest, attempts }
}

// ---------------------------------------------------------------------------------------------
// In the browser: decode, draw, encode

type Canvas = OffscreenCanvas | HTMLCanvasElement

function makeCanvas(width: number, height: number): Canvas {
  if (typeof OffscreenCanvas !== 'undefined') return new OffscreenCanvas(width, height)
  const c = document.createElement('canvas')
  c.width = width
  c.height = height
  return c
}

function canvasToBlob(canvas: Canvas, type: string, quality: number): Promise<Blob> {
  if ('convertToBlob' in canvas) return canvas.convertToBlob({ type, quality })
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('encode failed'))), type, quality))
}

let webpSupport: Promise<boolean> | undefined

/** Whether the browser's canvas writes WebP (Safari quietly writes PNG instead). */
function canEncodeWebp(): Promise<boolean> {
  webpSupport ??= (async () => {
    const canvas = makeCanvas(1, 1)
    // an OffscreenCanvas without a rendering context refuses to encode at all
    const ctx = canvas.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null
    if (!ctx) return false
    ctx.fillRect(0, 0, 1, 1)
    return (await canvasToBlob(canvas, 'image/webp', 0.8)).type === 'image/webp'
  })().catch(() => false)
  return webpSupport
}

/**
 * Makes a photo ready for a letter: shrunk, re-encoded within the data budget, hashed. Nothing is
 * stored here; the caller keeps `data` (see `AttachmentTransfer.addPhoto`). Browser only.
 */
export async function preparePhoto(file: Blob): Promise<{ blob: Blob; data: Uint8Array; ref: PhotoRef }> {
  if (file.type && !file.type.startsWith('image/')) throw new PhotoError('notAnImage')
  let bitmap: ImageBitmap
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' })
  } catch {
    throw new PhotoError('notAnImage')
  }
  try {
    const type = (await canEncodeWebp()) ? 'image/webp' : 'image/jpeg'
    const encoded = await encodeWithinBudget({ width: bitmap.width, height: bitmap.height }, async ({ width, height, quality }) => {
      const canvas = makeCanvas(width, height)
      const ctx = canvas.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null
      if (!ctx) throw new Error('no 2d canvas')
      if (type === 'image/jpeg') {
        // transparent areas would turn black in a JPEG
        ctx.fillStyle = '#fff'
        ctx.fillRect(0, 0, width, height)
      }
      ctx.imageSmoothingQuality = 'high'
      ctx.drawImage(bitmap, 0, 0, width, height)
      return canvasToBlob(canvas, type, quality)
    })
    const data = new Uint8Array(await encoded.blob.arrayBuffer())
    // the type the bytes are, not the one asked for: a letter only ever says JPEG or WebP
    const written = sniffImageType(data)
    if (!written) throw new PhotoError('notAnImage')
    const ref: PhotoRef = { hash: await sha256Hex(data), bytes: data.byteLength, width: encoded.width, height: encoded.height, type: written }
    return { blob: encoded.blob, data, ref }
  } finally {
    bitmap.close()
  }
}
