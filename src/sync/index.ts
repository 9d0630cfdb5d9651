/** The connection: invite codes and room proofs, the relay connection and its status. */
export * from './wire'
export * from './connection'
export * from './snapshots'
export * from './attachments'
