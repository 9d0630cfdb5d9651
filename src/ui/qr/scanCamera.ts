/**
 * "Scan QR code" on the join page: the camera (getUserMedia) looks for a QR code until it reads
 * one or the person stops it, with the browser's `BarcodeDetector` where it reads QR codes and
 * this app's decoder (readQr.ts) where it does not; and the same for a photo of a code, for a
 * phone whose camera this page may not use. What it reads is untrusted text that the join form
 * treats exactly like a pasted code. Nothing leaves the device. Loaded only when used: one chunk
 * with readQr.ts and drawQr.ts (vite.config.ts, `QR`).
 */
import { readQr } from './readQr'

export type ScanFailure = 'denied' | 'noCamera' | 'failed'
export type ScanResult = { readonly text: string } | { readonly failure: ScanFailure } | { readonly stopped: true }

/** The largest side of a frame given to the decoder: enough for a code filling a third of the view, and quick. */
const MAX_FRAME_SIDE = 960

/** What the browser's Barcode Detection API offers, where it exists (not in TypeScript's DOM types). */
interface DetectorLike {
  detect(source: CanvasImageSource | ImageBitmap): Promise<ReadonlyArray<{ readonly rawValue: string }>>
}
interface DetectorClass {
  new (options: { formats: string[] }): DetectorLike
  getSupportedFormats(): Promise<string[]>
}

type FrameReader = (source: HTMLVideoElement | ImageBitmap, width: number, height: number) => Promise<string | undefined>

/** The browser's QR reader where it has one, else the decoder on the frame's pixels. */
async function frameReader(): Promise<FrameReader> {
  const Detector = (globalThis as { BarcodeDetector?: DetectorClass }).BarcodeDetector
  try {
    if (Detector && (await Detector.getSupportedFormats()).includes('qr_code')) {
      const detector = new Detector({ formats: ['qr_code'] })
      return async (source) => (await detector.detect(source))[0]?.rawValue
    }
  } catch {
    /* a detector that cannot start: the decoder below reads the pixels instead */
  }
  const canvas = document.createElement('canvas')
  const context = canvas.getContext('2d', { willReadFrequently: true })
  return async (source, width, height) => {
    if (!context || width === 0 || height === 0) return undefined
    const scale = Math.min(1, MAX_FRAME_SIDE / Math.max(width, height))
    canvas.width = Math.round(width * scale)
    canvas.height = Math.round(height * scale)
    context.drawImage(source, 0, 0, canvas.width, canvas.height)
    return readQr(context.getImageData(0, 0, canvas.width, canvas.height))
  }
}

function failureOf(err: unknown): ScanFailure {
  const name = err instanceof Error || err instanceof DOMException ? err.name : ''
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'denied'
  if (name === 'NotFoundError' || name === 'OverconstrainedError' || name === 'NotReadableError') return 'noCamera'
  return 'failed'
}

/** The next video frame (or animation frame), or the stop: whichever comes first. */
function nextFrame(video: HTMLVideoElement, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done)
    if ('requestVideoFrameCallback' in video) video.requestVideoFrameCallback(done)
    else requestAnimationFrame(done)
  })
}

/**
 * Shows the back camera in `video` and reads frames until a QR code's text is found or `signal`
 * stops it; `onStarted` once the camera shows. The camera is always released at the end.
 */
export async function scanCamera(video: HTMLVideoElement, signal: AbortSignal, onStarted: () => void): Promise<ScanResult> {
  if (typeof navigator.mediaDevices?.getUserMedia !== 'function') return { failure: 'noCamera' }
  let stream: MediaStream
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false })
  } catch (err) {
    return { failure: failureOf(err) }
  }
  try {
    if (signal.aborted) return { stopped: true }
    video.muted = true
    video.playsInline = true
    video.srcObject = stream
    await video.play()
    const read = await frameReader()
    onStarted()
    while (!signal.aborted) {
      await nextFrame(video, signal)
      if (signal.aborted) break
      const text = await read(video, video.videoWidth, video.videoHeight)
      if (text !== undefined) return { text }
    }
    return { stopped: true }
  } catch (err) {
    return signal.aborted ? { stopped: true } : { failure: failureOf(err) }
  } finally {
    for (const track of stream.getTracks()) track.stop()
    video.srcObject = null
  }
}

/** The text of the QR code in a photo (a file the person chose), or undefined when none can be read. */
export async function readQrPhoto(photo: Blob): Promise<string | undefined> {
  const bitmap = await createImageBitmap(photo)
  try {
    return await (await frameReader())(bitmap, bitmap.width, bitmap.height)
  } finally {
    bitmap.close()
  }
}
