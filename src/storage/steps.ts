/**
 * Work written as a generator that yields between its steps (docChunks.ts's chunking, the sync
 * layer's walk of remembered deletions), run at once or in slices with a turn for the browser
 * between them (`nextTask`, docRows.ts).
 */

/** Runs every step now; the generator's result. */
export function runSteps<T>(steps: Generator<unknown, T>): T {
  for (let step = steps.next(); ; step = steps.next()) if (step.done) return step.value
}

/**
 * Runs the steps in slices of about `sliceMs`, awaiting `pause()` between them (the browser's
 * other tasks run there); undefined, unfinished, when `stop()` says so after a pause.
 */
export async function runStepsSliced<T>(steps: Generator<unknown, T>, pause: () => Promise<void>, stop: () => boolean, sliceMs: number): Promise<T | undefined> {
  let sliceStart = performance.now()
  for (let step = steps.next(); ; step = steps.next()) {
    if (step.done) return step.value
    if (performance.now() - sliceStart >= sliceMs) {
      await pause()
      if (stop()) return undefined
      sliceStart = performance.now()
    }
  }
}
