/**
 * The operator removes a device from a partnership, whatever its seniority (docs/protocol.md,
 * "Devices and invites"): `npm run relay:remove-device -- <roomId> <deviceId>`. For the case the
 * relay cannot settle on its own: the partnership's oldest phone is stolen and still in use.
 *
 *   DATA_DIR (./data)   the relay's LevelDB folder: the relay must be stopped (LevelDB's lock)
 *   DATABASE_URL        several relays: the device is removed in PostgreSQL while they run; each
 *                       closes its open sockets within CATCH_UP_INTERVAL_MS and refuses it after
 *
 * The record is kept, marked removed by `operator`, so the device is refused (4403 `removed`) from
 * then on. Prints the device's record (never its verifier). Exit 1 when the room or the device
 * does not exist or the store cannot be opened.
 */
import { resolve } from 'node:path'
import { DEVICE_ID_PATTERN, isRoomId } from '../src/sync/wire'
import { openLevelStore } from '../sync-server/levelStore'
import type { RoomStore } from '../sync-server/store'
import { openPgStore } from '../sync-server/pgStore'

const [room, deviceId] = process.argv.slice(2)
if (!room || !deviceId || !isRoomId(room) || !DEVICE_ID_PATTERN.test(deviceId)) {
  console.error('usage: npm run relay:remove-device -- <roomId> <deviceId>   (DATA_DIR or DATABASE_URL as for the relay)')
  process.exit(2)
}

const databaseUrl = process.env.DATABASE_URL ?? ''
let store: RoomStore
try {
  store = databaseUrl ? await openPgStore(databaseUrl) : openLevelStore(resolve(process.env.DATA_DIR ?? './data'))
  await store.getVerifier(room) // opens LevelDB: fails while a relay holds its lock
} catch (err) {
  // the whole chain of causes: LevelDB's lock error is a few levels down
  const messages: string[] = []
  for (let e: unknown = err, i = 0; e instanceof Error && i < 5; e = e.cause, i++) messages.push(`${(e as { code?: string }).code ?? ''} ${e.message}`)
  const text = messages.join(' / ')
  console.error(databaseUrl ? `cannot open PostgreSQL: ${text}` : `cannot open DATA_DIR (a running relay holds its lock: stop it first): ${text}`)
  process.exit(1)
}

let code = 0
try {
  if ((await store.getVerifier(room)) === undefined) {
    console.error(`no partnership ${room} on this relay`)
    code = 1
  } else {
    const found = await store.getDevice(room, deviceId)
    if (!found) {
      console.error(`no device ${deviceId} in ${room}`)
      code = 1
    } else {
      if (found.removedAt === undefined) await store.putDevice(room, { ...found, removedAt: Date.now(), removedBy: 'operator' })
      const now = await store.getDevice(room, deviceId)
      const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString())
      console.log(
        JSON.stringify({
          id: deviceId,
          registeredAt: iso(now?.registeredAt),
          lastSeenAt: iso(now?.lastSeenAt),
          removedAt: iso(now?.removedAt),
          removedBy: now?.removedBy,
          ...(found.removedAt !== undefined ? { alreadyRemoved: true } : {}),
        }),
      )
    }
  }
} finally {
  await store.close()
}
process.exit(code)
