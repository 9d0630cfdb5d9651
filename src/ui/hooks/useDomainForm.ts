/**
 * One way to handle a form that writes through the domain: run the write, and when the domain
 * refuses it show each problem at its field (translated), a message at the form, and move focus
 * to the first field with a problem so a screen reader and a phone user land where the fix is.
 *
 *   const form = useDomainForm({ controls: { name: 'contact-name', date: 'contact-date' } })
 *   <Field id="contact-name" error={form.errorOf('name')}>…
 *   <FormError message={form.formError} />
 *   onSubmit: if (form.run(() => addContact(doc, values, actor))) close()
 *
 * A problem without a control (no entry in `controls`) is shown at the form; when every problem
 * has a control, the form says "check the marked fields". Non-domain errors are rethrown: they are
 * bugs, not input to correct. The pure sorting is ../forms/problems.ts.
 */
import { useCallback, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { DomainError } from '../../domain/errors'
import type { TranslationKey } from '../../i18n/keys'
import { NO_PROBLEMS, issuesOf, placeProblems, type Problems } from '../forms/problems'

export interface DomainFormOptions {
  /** Place → id of the control that shows it; or a function for places made at run time. */
  readonly controls?: Readonly<Record<string, string>> | ((place: string) => string | undefined)
  /** The place of a domain issue (default: its field), e.g. `cost.<id>` → `amount:<id>`. */
  readonly placeOf?: (issue: DomainError) => string
  /** The form's message when every problem is at a field (default: form.checkFields). */
  readonly checkFields?: TranslationKey
}

export interface DomainForm {
  /** The problems shown at fields, by place. */
  readonly problems: Problems
  /** The translated problem at a place, for a field's error text. */
  readonly errorOf: (place: string) => string | undefined
  /** The translated message at the form, if any. */
  readonly formError: string | undefined
  /**
   * Runs a domain write. True when it worked (problems cleared); false when the domain refused
   * it (problems shown, focus on the first field with one — unless `focus: false`, for a save
   * made on leaving a field, which must not pull the person back into it).
   */
  readonly run: (write: () => void, options?: { readonly focus?: boolean }) => boolean
  /** Shows a message at the form that did not come from the domain (e.g. "choose a school"). */
  readonly fail: (key: TranslationKey) => void
  /** Clears every problem and the form's message. */
  readonly clear: () => void
}

export function useDomainForm(options: DomainFormOptions = {}): DomainForm {
  const { t } = useTranslation()
  const [problems, setProblems] = useState<Problems>(NO_PROBLEMS)
  const [formKey, setFormKey] = useState<TranslationKey | undefined>()
  const { controls, placeOf, checkFields = 'form.checkFields' } = options

  const controlIdOf = useCallback(
    (place: string): string | undefined => (typeof controls === 'function' ? controls(place) : controls?.[place]),
    [controls],
  )

  const run = useCallback(
    (write: () => void, { focus = true }: { readonly focus?: boolean } = {}): boolean => {
      try {
        write()
      } catch (error) {
        const { atFields, unplaced } = placeProblems(issuesOf(error), (place) => controlIdOf(place) !== undefined, placeOf)
        setProblems(atFields)
        setFormKey(unplaced ? `errors.${unplaced}` : checkFields)
        const first = [...atFields.keys()][0]
        const id = first === undefined ? undefined : controlIdOf(first)
        if (id && focus) document.getElementById(id)?.focus()
        return false
      }
      setProblems(NO_PROBLEMS)
      setFormKey(undefined)
      return true
    },
    [controlIdOf, placeOf, checkFields],
  )

  return useMemo(
    () => ({
      problems,
      errorOf: (place: string) => {
        const code = problems.get(place)
        return code ? t(`errors.${code}`) : undefined
      },
      formError: formKey ? t(formKey) : undefined,
      run,
      fail: (key: TranslationKey) => setFormKey(key),
      clear: () => {
        setProblems(NO_PROBLEMS)
        setFormKey(undefined)
      },
    }),
    [problems, formKey, run, t],
  )
}
