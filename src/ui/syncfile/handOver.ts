/**
 * Hands a file to the person: the phone's share sheet (Web Share API level 2, `navigator.share`
 * with files) where the browser can share this file, else a download.
 */
export type HandedOver = 'shared' | 'downloaded' | 'cancelled' | 'failed'

export async function handOver(file: File, title: string): Promise<HandedOver> {
  const data = { files: [file], title }
  if (typeof navigator.canShare === 'function' && navigator.canShare(data)) {
    try {
      await navigator.share(data)
      return 'shared'
    } catch (err) {
      // the person closed the share sheet: nothing to say; anything else: offer the download
      if (err instanceof DOMException && err.name === 'AbortError') return 'cancelled'
    }
  }
  try {
    const url = URL.createObjectURL(file)
    const a = document.createElement('a')
    a.href = url
    a.download = file.name
    a.rel = 'noopener'
    document.body.append(a)
    a.click()
    a.remove()
    // the download has started from the URL; keep it a moment for browsers that read it late
    setTimeout(() => URL.revokeObjectURL(url), 60_000)
    return 'downloaded'
  } catch {
    return 'failed'
  }
}
