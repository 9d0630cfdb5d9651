// Storage tests use fake-indexeddb (the real IndexedDB API, in memory) and an in-memory
// localStorage with the Web Storage API's behaviour, including a quota.
import 'fake-indexeddb/auto'

class MemoryStorage implements Storage {
  private readonly data = new Map<string, string>()
  quotaChars = 5_000_000
  get length(): number {
    return this.data.size
  }
  clear(): void {
    this.data.clear()
  }
  getItem(key: string): string | null {
    return this.data.get(key) ?? null
  }
  key(index: number): string | null {
    return [...this.data.keys()][index] ?? null
  }
  removeItem(key: string): void {
    this.data.delete(key)
  }
  setItem(key: string, value: string): void {
    let used = value.length
    for (const [k, v] of this.data) if (k !== key) used += v.length
    if (used > this.quotaChars) throw new DOMException('quota exceeded', 'QuotaExceededError')
    this.data.set(key, String(value))
  }
}

if (!('localStorage' in globalThis)) {
  Object.defineProperty(globalThis, 'localStorage', { value: new MemoryStorage(), configurable: true })
}
