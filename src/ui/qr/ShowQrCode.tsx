/**
 * "Show QR code" beside an invite code: the invite link as a QR code, drawn on this device (no
 * network) for another phone's camera or its "Scan QR code" to read. Large, with its quiet zone,
 * dark on white also in dark mode (qr.css). The drawing code is loaded on the first tap
 * (drawQr.ts, a chunk of its own, precached for offline use).
 */
import { useEffect, useId, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { QrDrawing } from './index'
import './qr.css'

export function ShowQrCode({ link }: { readonly link: string }) {
  const { t } = useTranslation()
  const id = useId()
  const [isShown, setIsShown] = useState(false)
  const [drawn, setDrawn] = useState<{ readonly link: string; readonly drawing: QrDrawing } | undefined>()
  const [hasFailed, setHasFailed] = useState(false)
  const figure = useRef<HTMLElement>(null)

  useEffect(() => {
    if (!isShown || drawn?.link === link) return
    let isCurrent = true
    import('./index')
      .then(({ drawQr }) => {
        if (isCurrent) setDrawn({ link, drawing: drawQr(link) })
      })
      .catch(() => {
        if (isCurrent) setHasFailed(true)
      })
    return () => {
      isCurrent = false
    }
  }, [isShown, link, drawn])

  const drawing = drawn?.link === link ? drawn.drawing : undefined
  // the whole code in view once drawn, clear of the bars at the top and bottom of a phone's screen
  useEffect(() => {
    if (isShown && drawing) figure.current?.scrollIntoView({ block: 'center' })
  }, [isShown, drawing])

  return (
    <div className="qr-show">
      <button type="button" className="button-secondary" aria-expanded={isShown} aria-controls={id} onClick={() => setIsShown((v) => !v)}>
        {isShown ? t('qr.hide') : t('qr.show')}
      </button>
      <div id={id} hidden={!isShown}>
        {isShown && drawing ? (
          <figure ref={figure} className="qr-figure">
            <svg
              className="qr-code"
              role="img"
              aria-label={t('qr.imageLabel')}
              viewBox={`0 0 ${drawing.side} ${drawing.side}`}
              shapeRendering="crispEdges"
            >
              <rect width={drawing.side} height={drawing.side} fill="#ffffff" />
              <path d={drawing.path} fill="#000000" />
            </svg>
            <figcaption className="hint">{t('qr.caption')}</figcaption>
          </figure>
        ) : isShown && hasFailed ? (
          <p className="field-error" role="alert">
            {t('qr.drawFailed')}
          </p>
        ) : null}
      </div>
    </div>
  )
}
