import { describe, expect, it } from 'vitest'
import { ScholenbandDb } from '../../src/storage/db'
import { forgetPartnership } from '../../src/storage/device'
import { forgetRelayPosition, readRelayPosition, relayPositionKeeper, type RememberedRelayPosition } from '../../src/storage/relayPosition'

const position = (n: number): RememberedRelayPosition => ({ epoch: '0123456789abcdef', n, snapshot: new Uint8Array([0, n % 256]) })

describe('the relay position kept on the device', () => {
  it('keeps the newest position of each partnership, position and snapshot together, across a reopen', async () => {
    const name = `sb-test-${Math.random().toString(36).slice(2)}`
    const db = new ScholenbandDb(name)
    expect(await readRelayPosition('room-a', db)).toBeUndefined()
    const keep = relayPositionKeeper('room-a', db)
    let encoded = 0
    // acks come faster than writes: only the newest waiting one is encoded and written next
    for (let n = 1; n <= 50; n++) {
      keep(() => {
        encoded++
        return position(n)
      })
    }
    relayPositionKeeper('room-b', db)(() => position(7))
    await expect.poll(async () => (await readRelayPosition('room-a', db))?.n).toBe(50)
    expect(encoded).toBeLessThan(50)
    db.close()
    const again = new ScholenbandDb(name)
    expect(await readRelayPosition('room-a', again)).toEqual(position(50))
    expect(await readRelayPosition('room-b', again)).toEqual(position(7))
    await forgetRelayPosition('room-a', again)
    expect(await readRelayPosition('room-a', again)).toBeUndefined()
    // a row that is not a position is none
    await again.relayPositions.put({ roomId: 'room-c', epoch: 5, n: 'x', snapshot: 'y' } as never)
    expect(await readRelayPosition('room-c', again)).toBeUndefined()
    again.close()
  })

  it('is forgotten with the partnership', async () => {
    relayPositionKeeper('room-forgotten')(() => position(3))
    await expect.poll(async () => (await readRelayPosition('room-forgotten'))?.n).toBe(3)
    await forgetPartnership('room-forgotten')
    expect(await readRelayPosition('room-forgotten')).toBeUndefined()
  })
})
