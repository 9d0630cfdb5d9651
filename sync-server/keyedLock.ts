/**
 * One-at-a-time per key: `lock(key, f)` runs `f` after every earlier `f` of the same key has
 * settled (a failure does not block the next), while different keys run side by side. The map
 * holds only keys with work queued. Used for room creation (check-then-set of a verifier, admission.ts)
 * and for the photo quota (read, check and reserve, blobQuota.ts).
 */
export type KeyedLock = <T>(key: string, f: () => Promise<T>) => Promise<T>

export function keyedLock(): KeyedLock {
  const tails = new Map<string, Promise<unknown>>()
  return <T>(key: string, f: () => Promise<T>): Promise<T> => {
    const next = (tails.get(key) ?? Promise.resolve()).catch(() => undefined).then(f)
    tails.set(key, next)
    void next
      .finally(() => {
        if (tails.get(key) === next) tails.delete(key)
      })
      .catch(() => undefined)
    return next
  }
}
