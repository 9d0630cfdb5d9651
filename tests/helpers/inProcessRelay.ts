/**
 * A relay inside the test process (`createRelay`, not a child process), for tests that hand it a
 * store of their own — one that fails, or one that records or holds what it is asked — and a
 * store whose every operation fails but those a test supplies.
 */
import type { AddressInfo } from 'node:net'
import { createLogger } from '../../sync-server/log'
import { DEFAULT_LIMITS, createRelay, type Relay } from '../../sync-server/relay'
import type { RoomStore } from '../../sync-server/store'

/** A store whose operations reject with `message`, except those in `works`; `forget` and `close` do nothing. */
export function storeThatFails(message: string, works: Partial<RoomStore> = {}): RoomStore {
  const fail = (): Promise<never> => Promise.reject(new Error(message))
  return {
    load: fail,
    append: fail,
    compact: fail,
    getVerifier: fail,
    setVerifier: fail,
    replaceVerifier: fail,
    getInviteChange: fail,
    getDevice: fail,
    listDevices: fail,
    putDevice: fail,
    touchDevice: fail,
    forget: () => undefined,
    close: () => Promise.resolve(),
    ...works,
  }
}

/** A relay on `store` with the default limits and no log, listening on a free loopback port. */
export async function listenInProcess(store: RoomStore): Promise<{ relay: Relay; httpUrl: string; wsUrl: string }> {
  const relay = createRelay({ ...DEFAULT_LIMITS, store, log: createLogger('error', () => undefined), staticDir: undefined })
  await new Promise<void>((res) => relay.server.listen(0, '127.0.0.1', res))
  const { port } = relay.server.address() as AddressInfo
  return { relay, httpUrl: `http://127.0.0.1:${port}`, wsUrl: `ws://127.0.0.1:${port}/sync` }
}
