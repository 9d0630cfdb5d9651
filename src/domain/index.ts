/** The domain's public face: the partnership document, its records and rules. No UI, no storage. */
export * from './errors'
export * from './ids'
export * from './schema'
export * from './migrations'
export * from './activity'
export * from './dates'
export * from './record'
export * from './calendar'
