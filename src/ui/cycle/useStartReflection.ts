/**
 * Starting a reflection on a feedback moment or a finished activity (This week, Feedback): the
 * write goes through `useDomainForm` and, when it worked, the reflection's own page opens.
 */
import { startReflection } from '../../domain'
import { useDomainForm, type DomainForm } from '../hooks/useDomainForm'
import { usePartnership } from '../hooks/usePartnership'
import { navigate } from '../router'
import { pageHref } from '../pages'

export interface ReflectionStart {
  /** What the reflection is about and its date. */
  readonly start: (input: { readonly activityId?: string; readonly momentId?: string; readonly date: string }) => void
  /** The form the start (and the screen's other one-shot buttons) write through. */
  readonly form: DomainForm
}

export function useStartReflection(): ReflectionStart {
  const { doc, roomId, actor } = usePartnership()
  const form = useDomainForm()
  return {
    form,
    start: (input) => {
      let id = ''
      if (form.run(() => (id = startReflection(doc, input, actor)))) navigate(pageHref(roomId, { name: 'reflection', reflectionId: id }))
    },
  }
}
