/**
 * The name of a changes file: "scholenband-<partnership>-<UTC stamp>.json". The partnership's name
 * keeps its letters and digits in any script (Arabic, Cyrillic, accented Latin); everything else
 * (path separators, control and reserved characters, spaces, punctuation) becomes one hyphen, and
 * the name part is capped, so the result is a safe file name on every phone and desktop.
 */
import { CHANGES_FILE_EXTENSION } from '../../sync/changesFile'

/** At most this many characters (code points) of the partnership's name go into the file name. */
export const MAX_NAME_IN_FILE = 40

export function changesFileName(partnershipName: string, now: Date): string {
  const slug = [...partnershipName.normalize('NFKC').replace(/[^\p{L}\p{N}\p{M}]+/gu, '-').toLowerCase()]
    .slice(0, MAX_NAME_IN_FILE)
    .join('')
    .replace(/^[-\p{M}]+|-+$/gu, '') || 'partnership'
  const stamp = now.toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-')
  return `scholenband-${slug}-${stamp}${CHANGES_FILE_EXTENSION}`
}
