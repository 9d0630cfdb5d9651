/**
 * Work an open partnership does beside showing it (the device's regular copy, photo counts) waits
 * until the browser is idle — after the first paint of a screen, between a person's taps — so that
 * opening a large partnership on a cheap phone is not one long task. Where there is no idle
 * callback (Node, older Safari) the job runs on the next turn.
 */

/** The longest a job waits for the browser to be idle. */
const IDLE_WAIT_MS = 5000

/** Runs `job` when the browser is idle (at most IDLE_WAIT_MS later); returns the cancel. */
export function whenIdle(job: () => void): () => void {
  if (typeof requestIdleCallback === 'function') {
    const handle = requestIdleCallback(() => job(), { timeout: IDLE_WAIT_MS })
    return () => cancelIdleCallback(handle)
  }
  const timer = setTimeout(job, 0)
  return () => clearTimeout(timer)
}
