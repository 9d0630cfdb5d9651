/**
 * An invite code shown for passing on: a read-only field with Copy (and what Copy did), and the
 * whole code in groups of five, readable aloud over the phone, and "Show QR code" for the invite
 * link. Settings' invite and the new code made by "New invite code" both show it this way.
 */
import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { copyFrom, type CopyResult } from '../copyText'
import { ShowQrCode } from '../qr/ShowQrCode'

/** How long "Copied" stays after a successful copy. */
const COPIED_VISIBLE_MS = 4000

interface Props {
  readonly id: string
  readonly label: string
  readonly code: string
  /** The invite link of the same code, shown as a QR code on request. */
  readonly link: string
  /** Focus the field and bring it into view when shown (a code just made). */
  readonly isFocused?: boolean
}

export function InviteCodeField({ id, label, code, link, isFocused = false }: Props) {
  const { t } = useTranslation()
  const codeRef = useRef<HTMLInputElement>(null)
  const [copyResult, setCopyResult] = useState<CopyResult | undefined>()
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)

  useEffect(() => () => clearTimeout(timer.current), [])
  useEffect(() => {
    if (!isFocused) return
    codeRef.current?.focus()
    codeRef.current?.scrollIntoView({ block: 'center' })
  }, [code, isFocused])

  const copy = async (): Promise<void> => {
    if (!codeRef.current) return
    const result = await copyFrom(codeRef.current)
    setCopyResult(result)
    clearTimeout(timer.current)
    if (result === 'copied') timer.current = setTimeout(() => setCopyResult(undefined), COPIED_VISIBLE_MS)
  }

  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <div className="input-with-button">
        <input ref={codeRef} id={id} type="text" readOnly value={code} spellCheck={false} onFocus={(e) => e.currentTarget.select()} />
        <button type="button" className="button-secondary" onClick={() => void copy()}>
          {t('settings.copy')}
        </button>
      </div>
      {/* the whole code, readable aloud over the phone; the field above holds the same for assistive tech */}
      <p className="code-display" aria-hidden="true" dir="ltr">
        {code.split('-').map((group, i) => (
          <span key={i}>{group}</span>
        ))}
      </p>
      <p className="copy-feedback" aria-live="polite">
        {copyResult === 'copied' ? t('settings.copied') : copyResult === 'selected' ? t('settings.selected') : ''}
      </p>
      <ShowQrCode link={link} />
    </div>
  )
}
