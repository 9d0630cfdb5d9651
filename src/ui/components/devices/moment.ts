/** "3 Oct 2025, 14:05" in the reader's language; '' when not a date (times from the relay). */
export function formatMoment(iso: string | undefined, language: string): string {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return ''
  return new Intl.DateTimeFormat(language, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' }).format(d)
}
