/**
 * Texts typed into a form that are saved when a field is left and with the form's Save button, as
 * small text edits (a reflection's answers, an organisation's step notes and its feedback). Only
 * what is typed here and not yet saved is held; every other field shows the stored text, live, so
 * a partner's edit shows up while nobody types there, and two people typing at once both keep what
 * they wrote. The write goes through `useDomainForm`; its problem or "Saved." is the form's status.
 */
import { useState, type ChangeEvent } from 'react'
import { useDomainForm } from '../hooks/useDomainForm'

export interface DraftTexts<K extends string> {
  /** The textarea's props for one text: what it shows, typing, and leaving it (which saves). */
  readonly bind: (key: K) => {
    readonly value: string
    readonly onChange: (event: ChangeEvent<HTMLTextAreaElement>) => void
    readonly onBlur: () => void
  }
  /** Saves every text typed here and not yet saved (the form's submit). */
  readonly saveAll: () => void
  /** "Saved." after a save, or the problem of the last write; for `<SaveStatus>`. */
  readonly status: string | undefined
  /** Another write of the same form (ticking a step), its problem shown in the same status. */
  readonly run: (write: () => void) => boolean
}

type Texts<K extends string> = Partial<Record<K, string>>

export function useDraftTexts<K extends string>(stored: Readonly<Record<K, string>>, write: (changed: Texts<K>) => void, savedText: string): DraftTexts<K> {
  const form = useDomainForm()
  const [drafts, setDrafts] = useState<Texts<K>>({})
  const [isSaved, setSaved] = useState(false)

  const save = (which: Texts<K>): void => {
    const keys = Object.keys(which)
    const changed = Object.fromEntries(Object.entries(which).filter(([k, v]) => v !== undefined && v !== stored[k as K])) as Texts<K>
    if (Object.keys(changed).length > 0) {
      if (!form.run(() => write(changed))) {
        setSaved(false)
        return
      }
      setSaved(true)
    }
    setDrafts((d) => Object.fromEntries(Object.entries(d).filter(([k]) => !keys.includes(k))) as Texts<K>)
  }

  return {
    bind: (key) => ({
      value: drafts[key] ?? stored[key],
      onChange: (event) => {
        const value = event.target.value
        setDrafts((d) => ({ ...d, [key]: value }))
        setSaved(false)
        form.clear()
      },
      onBlur: () => {
        const draft = drafts[key]
        if (draft !== undefined) save({ [key]: draft } as Texts<K>)
      },
    }),
    saveAll: () => save(drafts),
    status: form.formError ?? (isSaved ? savedText : undefined),
    run: form.run,
  }
}
