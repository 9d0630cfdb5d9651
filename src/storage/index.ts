/** This device: the registry (Dexie), partnership documents (y-indexeddb layout + journal), storage health, the outbox. */
export * from './db'
export * from './settings'
export * from './docStore'
export * from './health'
export * from './outbox'
export * from './people'
export * from './deviceId'
