/**
 * Reading an upload's body (a photo, blobs.ts) into a `BlobSink`: at most a given number of
 * bytes, hashed with SHA-256 as they arrive, one write at a time (the request is paused while the
 * store takes a chunk, so a slow store slows the sender rather than filling the relay's memory).
 */
import { createHash } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { BlobSink } from './blobStore'
import type { HttpError } from './http'

/**
 * Hands at most `limit` bytes of the request body to `sink`, hashing them. Resolves with what was
 * written when the body ended (`complete`) or the connection broke; rejects with `overLimit` as
 * soon as more than `limit` bytes arrive, or with the sink's error, having stopped reading. The
 * sink is ended in every case, so bytes written before a broken connection stay with it (a
 * resumable upload keeps them).
 */
export function receiveBody(
  req: IncomingMessage,
  sink: BlobSink,
  limit: number,
  overLimit: HttpError,
): Promise<{ written: number; hash: string; complete: boolean }> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256')
    let written = 0
    let failure: unknown
    let isEnded = false
    let isStopped = false
    let writing: Promise<void> = Promise.resolve()
    const stop = (err: unknown): void => {
      if (err !== undefined && failure === undefined) failure = err
      if (isStopped) return
      isStopped = true
      req.off('data', onData)
      req.off('end', onEnd)
      req.off('aborted', onAborted)
      req.off('close', onAborted)
      req.pause()
      writing
        .then(() => sink.end())
        .then(
          () => (failure === undefined ? resolve({ written, hash: hash.digest('hex'), complete: isEnded }) : reject(failure)),
          (endErr: unknown) => reject(failure ?? endErr),
        )
    }
    const onData = (chunk: Buffer): void => {
      if (written + chunk.length > limit) {
        stop(overLimit)
        return
      }
      written += chunk.length
      hash.update(chunk)
      req.pause()
      writing = writing
        .then(() => sink.write(chunk))
        .then(
          () => {
            if (!isStopped) req.resume()
          },
          (err: unknown) => {
            // `writing` stays resolved so `stop` can still end the sink
            stop(err)
          },
        )
    }
    const onEnd = (): void => {
      isEnded = true
      stop(undefined)
    }
    const onAborted = (): void => {
      if (!isEnded) stop(undefined)
    }
    req.on('data', onData)
    req.on('end', onEnd)
    req.on('aborted', onAborted)
    req.on('close', onAborted)
  })
}
