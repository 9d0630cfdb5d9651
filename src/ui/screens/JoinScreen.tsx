/**
 * Join a partnership with the invite code (or link) the partner school sent. Nothing is asked of
 * the relay here: the partnership opens at once and waits for its first sync, so joining also
 * works offline. A code the relay refuses brings the person back here with the reason. Once the
 * partnership has arrived, it asks first which school this device speaks for and who is using it.
 * "Scan QR code" reads the code with the camera instead (or from a photo where the camera cannot
 * be used); the text it reads is joined with exactly as if it had been pasted. It is kept in this
 * file so the join page needs no other chunk; the camera and decoder are loaded when it is tapped
 * (src/ui/qr/scanCamera.ts).
 */
import { useEffect, useRef, useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import type { TranslationKey } from '../../i18n/keys'
import { addPartnership, askToKeepStorage, getPartnership, rejoinWithCode } from '../../storage'
import { formatInviteCode, parseInviteCode, type CloseReason } from '../../sync'
import { errorId } from '../components/Field'
import { FormActions } from '../components/FormActions'
import { navigate, partnershipHref } from '../router'
import type { ScanFailure } from '../qr'
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

  /** Joins with a code as typed, pasted or scanned: all three are read by the same parser. */
  const join = async (text: string): Promise<void> => {
    if (isBusy) return
    const parsed = parseInviteCode(text)
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

  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault()
    void join(code)
  }

  /** A scanned code fills the field, as if pasted, and joins at once. */
  const scanned = (text: string): void => {
    setCode(text)
    void join(text)
  }

  return (
    <StartPage title={t('join.title')}>
      <p className="lead">{t('join.intro')}</p>
      <form className="form" noValidate onSubmit={submit}>
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
        <ScanQrCode onScanned={scanned} />
        <FormActions submit={t('join.submit')} disabled={isBusy} />
      </form>
    </StartPage>
  )
}

type ScanState = 'off' | 'starting' | 'scanning' | 'reading' | ScanFailure | 'noCode'

/** The camera's picture: square, as wide as the form on a phone (inline: this chunk has no stylesheet of its own). */
const VIDEO_STYLE = { display: 'block', inlineSize: '100%', maxInlineSize: '20rem', aspectRatio: '1', objectFit: 'cover', background: '#000' } as const

/** "Scan QR code": the camera until it reads a code, or a photo of one where the camera cannot be used. */
function ScanQrCode({ onScanned }: { readonly onScanned: (text: string) => void }) {
  const { t } = useTranslation()
  const [state, setState] = useState<ScanState>('off')
  const video = useRef<HTMLVideoElement>(null)
  const scan = useRef<AbortController | undefined>(undefined)
  useEffect(() => () => scan.current?.abort(), [])

  const start = async (): Promise<void> => {
    scan.current?.abort()
    const controller = new AbortController()
    scan.current = controller
    setState('starting')
    try {
      const { scanCamera } = await import('../qr')
      if (controller.signal.aborted) return
      if (!video.current) throw new Error('no video element')
      const result = await scanCamera(video.current, controller.signal, () => setState('scanning'))
      if (controller.signal.aborted || 'stopped' in result) return
      if ('failure' in result) {
        setState(result.failure)
        return
      }
      setState('off')
      onScanned(result.text)
    } catch {
      if (!controller.signal.aborted) setState('failed')
    }
  }

  const stop = (): void => {
    scan.current?.abort()
    setState('off')
  }

  const readPhoto = async (photo: File | undefined): Promise<void> => {
    if (!photo) return
    setState('reading')
    try {
      const { readQrPhoto } = await import('../qr')
      const text = await readQrPhoto(photo)
      if (text === undefined) {
        setState('noCode')
        return
      }
      setState('off')
      onScanned(text)
    } catch {
      // not an image this browser can open
      setState('noCode')
    }
  }

  const isCameraOn = state === 'starting' || state === 'scanning'
  const problem = state === 'denied' || state === 'noCamera' || state === 'failed' || state === 'noCode' ? state : undefined
  return (
    <div className="field">
      {isCameraOn ? (
        <>
          <video ref={video} style={VIDEO_STYLE} aria-label={t('qr.camera')} muted playsInline />
          <p className="hint" aria-live="polite">
            {state === 'scanning' ? t('qr.scanning') : t('qr.starting')}
          </p>
        </>
      ) : null}
      {problem ? (
        <p className="field-error" role="alert">
          {t(`qr.problem.${problem}`)}
        </p>
      ) : null}
      <div className="actions">
        {isCameraOn ? (
          <button type="button" className="button-secondary" onClick={stop}>
            {t('qr.stop')}
          </button>
        ) : (
          <button type="button" className="button-secondary" disabled={state === 'reading'} onClick={() => void start()}>
            {t('qr.scan')}
          </button>
        )}
      </div>
      {problem ? (
        <>
          <label htmlFor="join-qr-photo">{t('qr.photo')}</label>
          <input id="join-qr-photo" type="file" accept="image/*" onChange={(e) => void readPhoto(e.target.files?.[0])} />
        </>
      ) : null}
    </div>
  )
}
