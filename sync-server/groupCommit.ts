/**
 * Group commit: the appends of every room that arrive in one turn of the event loop, or while the
 * previous group is being written, go to the store as one write — one LevelDB batch, one fsync —
 * instead of one write per room.
 *
 * Why: under load (bench:relay, 200 clients in 50 rooms) each room's edit was its own batch. Each
 * batch costs the relay's main thread a native call, a thread-pool job and its completion, and the
 * disk an fsync; LevelDB then wrote them one after another anyway. A group costs that once.
 *
 * Guarantees kept: an append resolves only once the write holding it succeeded (durable with
 * fsync); if the write fails, every append of that group rejects (and each room fails as before:
 * its sockets are closed, the devices send again); a later group is tried afresh. One group is
 * written at a time, so a room's appends reach the disk in the order they were made.
 */
export class GroupCommit<Op> {
  private readonly write: (ops: Op[]) => Promise<void>
  private waiting: { ops: readonly Op[]; resolve: () => void; reject: (err: unknown) => void }[] = []
  private isWriting = false
  private isScheduled = false

  /** `write`: writes a group's operations atomically, resolving once they are stored. */
  constructor(write: (ops: Op[]) => Promise<void>) {
    this.write = write
  }

  /** Resolves once `ops` are stored, with those of every append made meanwhile. */
  add(ops: readonly Op[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ ops, resolve, reject })
      this.schedule()
    })
  }

  /** Groups written so far: the next one waits for the end of this turn (setImmediate), so that the turn's other appends join it. */
  private schedule(): void {
    if (this.isWriting || this.isScheduled || this.waiting.length === 0) return
    this.isScheduled = true
    const go = (): void => {
      this.isScheduled = false
      void this.writeGroup()
    }
    if (process.env.GROUP_DELAY_MS) setTimeout(go, Number(process.env.GROUP_DELAY_MS))
    else setImmediate(go)
  }

  private async writeGroup(): Promise<void> {
    if (this.isWriting) return
    const group = this.waiting
    this.waiting = []
    if (group.length === 0) return
    this.isWriting = true
    try {
      await this.write(group.flatMap((g) => g.ops))
      for (const g of group) g.resolve()
    } catch (err) {
      for (const g of group) g.reject(err)
    } finally {
      this.isWriting = false
      this.schedule()
    }
  }
}
