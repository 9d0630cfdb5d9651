/**
 * Join a partnership with the invite code (or link) the partner school sent. Nothing is asked of
 * the relay here: the partnership opens at once and waits for its first sync, so joining also
 * works offline. A code the relay refuses brings the person back here with the reason. Once the
 * partnership has arrived, it asks first which school this device speaks for and who is using it.
 */
import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import type { TranslationKey } from '../../i18n/keys'
import { addPartnership, askToKeepStorage, getPartnership, rejoinWithCode } from '../../storage'
import { formatInviteCode, parseInviteCode, type CloseReason } from '../../sync'
import { errorId } from '../components/Field'
import { FormActions } from '../components/FormActions'
import { navigate, partnershipHref } from '../router'
import { StartPage } from './StartPage'

/** What the join form starts with: an invited code, or a code the relay refused (App keeps it). */
export interface JoinPrefill {
  /** The code to show in the field. */
  readonly code: string
  /** Set when the relay refused this code. */
  readonly refusal?: CloseReason
  /** Changes with every prefill, so the form starts afresh. */
  readonly serial: number
}

const CODE_ID = 'join-code'

const KNOWN_REFUSALS = ['unknownRoom', 'proofRefused', 'badRequest'] as const satisfies readonly CloseReason[]

function isKnownRefusal(reason: CloseReason): reason is (typeof KNOWN_REFUSALS)[number] {
  return (KNOWN_REFUSALS as readonly CloseReason[]).includes(reason)
}

function refusalKey(reason: CloseReason): TranslationKey {
  return isKnownRefusal(reason) ? `join.refused.${reason}` : 'join.refused.other'
}

export function JoinScreen({ prefill }: { readonly prefill: JoinPrefill | undefined }) {
  const { t } = useTranslation()
  const [code, setCode] = useState(prefill?.code ?? '')
  // a translation key, translated while rendering so a language switch applies to it too
  const [error, setError] = useState<TranslationKey | undefined>(() => (prefill?.refusal ? refusalKey(prefill.refusal) : undefined))
  const [isBusy, setIsBusy] = useState(false)

  const submit = async (event: FormEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault()
    if (isBusy) return
    const parsed = parseInviteCode(code)
    if (!parsed.ok) {
      setError(`join.errors.${parsed.error}`)
      document.getElementById(CODE_ID)?.focus()
      return
    }
    setError(undefined)
    setIsBusy(true)
    const { roomId } = parsed.invite
    try {
      const existing = await getPartnership(roomId)
      if (!existing) {
        const persisted = askToKeepStorage().catch(() => undefined)
        await addPartnership({
          roomId,
          inviteCode: formatInviteCode(parsed.invite),
          name: '',
          origin: 'joined',
          isKnownToRelay: false,
          // on opening, ask at once which school this device speaks for and who is using it
          askPerson: true,
          addedAt: new Date().toISOString(),
          inviteSetAt: new Date().toISOString(),
        })
        await persisted
      } else if (existing.removedAt && existing.inviteCode !== formatInviteCode(parsed.invite)) {
        // a new code for a partnership this device was removed from: it joins again as a new
        // device (the relay refuses its old id for good), keeping what is already on it
        await rejoinWithCode(roomId, formatInviteCode(parsed.invite))
      }
      navigate(partnershipHref(roomId))
    } catch {
      setIsBusy(false)
      setError('join.failed')
    }
  }

  return (
    <StartPage title={t('join.title')}>
      <p className="lead">{t('join.intro')}</p>
      <form className="form" noValidate onSubmit={(e) => void submit(e)}>
        <div className={error ? 'field field-invalid' : 'field'}>
          <label htmlFor={CODE_ID}>{t('join.code')}</label>
          <p className="hint" id={`${CODE_ID}-hint`}>
            {t('join.codeHint')}
          </p>
          {error ? (
            <p role="alert" className="field-error" id={errorId(CODE_ID)}>
              {t(error)}
            </p>
          ) : null}
          <textarea
            id={CODE_ID}
            className="code-input"
            rows={3}
            autoComplete="off"
            autoCapitalize="characters"
            autoCorrect="off"
            spellCheck={false}
            value={code}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${errorId(CODE_ID)} ${CODE_ID}-hint` : `${CODE_ID}-hint`}
            onChange={(e) => setCode(e.target.value)}
            onKeyDown={(e) => {
              // a code is one line: Enter joins, as in a single-line field
              if (e.key === 'Enter' && !e.shiftKey) {
                e.preventDefault()
                e.currentTarget.form?.requestSubmit()
              }
            }}
          />
        </div>
        <FormActions submit={t('join.submit')} disabled={isBusy} />
      </form>
    </StartPage>
  )
}
