/** Editing Y.Text from a form: only the part that changed is touched, so concurrent edits merge. */
import * as Y from 'yjs'

/**
 * Replaces the text of a Y.Text with `next` by editing only the part that changed (common prefix
 * and suffix kept). Two people who change different parts of the same text both keep their edit.
 */
export function setTextMinimal(text: Y.Text, next: string): void {
  const prev = text.toString()
  if (prev === next) return
  let start = 0
  const maxStart = Math.min(prev.length, next.length)
  while (start < maxStart && prev.charCodeAt(start) === next.charCodeAt(start)) start++
  let endPrev = prev.length
  let endNext = next.length
  while (endPrev > start && endNext > start && prev.charCodeAt(endPrev - 1) === next.charCodeAt(endNext - 1)) {
    endPrev--
    endNext--
  }
  if (endPrev > start) text.delete(start, endPrev - start)
  if (endNext > start) text.insert(start, next.slice(start, endNext))
}

/** Writes `value` into the Y.Text at `key` of a record (creating it if missing), minimally. */
export function writeText(map: Y.Map<unknown>, key: string, value: string): void {
  let t = map.get(key)
  if (!(t instanceof Y.Text)) {
    t = new Y.Text()
    map.set(key, t)
  }
  setTextMinimal(t as Y.Text, value)
}
