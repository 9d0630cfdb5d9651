/**
 * The data saver: whether a partner's photo is downloaded without a tap, from the person's
 * settings and what the browser says about the connection. Coordinated by attachments.ts.
 */

/** `navigator.connection` (Network Information API, Chromium only). */
export interface ConnectionInfo {
  readonly type?: string
  readonly effectiveType?: string
  readonly saveData?: boolean
}

export function currentConnection(): ConnectionInfo | undefined {
  return typeof navigator === 'undefined' ? undefined : (navigator as Navigator & { connection?: ConnectionInfo }).connection
}

/** Wi-Fi or a cable, or a fast connection the person did not ask to spare. Unknown counts as metered. */
export function isUnmetered(c: ConnectionInfo | undefined): boolean {
  if (!c || c.saveData === true) return false
  if (c.type === 'wifi' || c.type === 'ethernet') return true
  return c.saveData === false && c.effectiveType === '4g'
}

/** Whether a partner's photo is downloaded without a tap. */
export function shouldAutoDownload(
  settings: { readonly dataSaver: boolean; readonly autoDownloadOnUnmetered: boolean },
  c: ConnectionInfo | undefined = currentConnection(),
): boolean {
  if (!settings.dataSaver) return true
  return settings.autoDownloadOnUnmetered && isUnmetered(c)
}
