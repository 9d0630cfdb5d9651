/**
 * The origin of updates applied from a changes file (changesExchange.ts). Not a local edit (no
 * journal entry, no history entry: the sender's history came with it) and not from the relay (the
 * relay does not have it yet): the connection counts it as a change to send, like an edit made
 * offline, until the relay acknowledges it.
 */
export const CHANGES_FILE_ORIGIN: { readonly source: string } = { source: 'scholenband:changes-file' }
