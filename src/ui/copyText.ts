/** Copying a code (an invite) for a person to paste elsewhere. */

export type CopyResult = 'copied' | 'selected'

/** Copies with the Clipboard API; where that is refused (plain http, old browser), selects the text for the person to copy. */
export async function copyFrom(input: HTMLInputElement): Promise<CopyResult> {
  try {
    if (!navigator.clipboard) throw new Error('no clipboard')
    await navigator.clipboard.writeText(input.value)
    return 'copied'
  } catch {
    input.focus()
    input.select()
    input.setSelectionRange(0, input.value.length)
    try {
      // deprecated, but the only way left on an insecure origin
      if (document.execCommand('copy')) return 'copied'
    } catch {
      /* the text stays selected for the person to copy */
    }
    return 'selected'
  }
}
