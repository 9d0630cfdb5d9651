/** This device: the registry (Dexie), partnership documents (y-indexeddb + journal), the outbox. */
export * from './db'
export * from './settings'
export * from './docStore'
export * from './outbox'
export * from './people'
export * from './deviceId'
