/** Settings as a page of the table: the open partnership, read from `usePartnershipOrNone()`. */
import { usePartnershipOrNone } from '../hooks/usePartnership'
import { SettingsScreen } from './SettingsScreen'

export function SettingsPage() {
  const { session, entry, meta } = usePartnershipOrNone()
  return <SettingsScreen session={session} entry={entry} meta={meta} />
}
