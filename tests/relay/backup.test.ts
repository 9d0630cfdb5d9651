/**
 * Backup and restore of the relay's data folder with the scripts an operator runs
 * (`npm run relay:backup`, `npm run relay:restore -- <archive>`).
 */
import { describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { deriveToken, newInvite } from '../../src/sync/wire'
import { appConnection } from '../helpers/clients'
import { startRelay, stopAfterEach, tempDir, waitFor } from '../helpers/relay'

const ROOT = resolve(import.meta.dirname, '../..')
const { running, cleanups } = stopAfterEach()

function script(name: string, args: string[], dataDir: string, env: Record<string, string> = {}): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts', name), ...args], {
    env: { ...process.env, DATABASE_URL: '', DATA_DIR: dataDir, ...env },
    encoding: 'utf8',
  })
  return { status: r.status, out: r.stdout + r.stderr }
}

describe('backup and restore', () => {
  it('refuses to back up while the relay runs; a backup restored into an empty DATA_DIR serves the same documents and photos', async () => {
    const dataDir = tempDir('sb-backup-src')
    const archives = tempDir('sb-backups')
    const first = await startRelay({ dataDir })
    running.push(first)
    const invite = newInvite()
    const a = appConnection(first.wsUrl, invite, 'create')
    cleanups.push(() => a.conn.destroy())
    for (let i = 0; i < 20; i++) a.doc.getText('t').insert(0, `${i};`)
    await waitFor(() => a.conn.getState().kind === 'synced', 'acknowledged')
    const expected = a.doc.getText('t').toString()
    const photo = new Uint8Array(5000).fill(3)
    const hash = createHash('sha256').update(photo).digest('hex')
    const auth = { Authorization: `Bearer ${deriveToken(invite)}` }
    expect((await fetch(`${first.httpUrl}/blobs/${invite.roomId}/${hash}`, { method: 'PUT', headers: auth, body: photo })).status).toBe(201)

    const whileRunning = script('relay-backup.mjs', [archives], dataDir)
    expect(whileRunning.status).toBe(1)
    expect(whileRunning.out).toMatch(/stop the relay first/)
    expect(readdirSync(archives)).toEqual([])

    a.conn.destroy()
    await first.stop()
    const backup = script('relay-backup.mjs', [archives], dataDir)
    expect(backup.status, backup.out).toBe(0)
    const [archive] = readdirSync(archives)
    expect(archive).toMatch(/^scholenband-relay-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z\.tar\.gz$/)

    // never into a folder that holds data
    const refused = script('relay-restore.mjs', [join(archives, archive!)], dataDir)
    expect(refused.status).toBe(1)
    expect(refused.out).toMatch(/not empty/)

    const restoredDir = join(tempDir('sb-backup-dst'), 'data')
    const restore = script('relay-restore.mjs', [join(archives, archive!)], restoredDir)
    expect(restore.status, restore.out).toBe(0)
    expect(existsSync(join(restoredDir, 'CURRENT'))).toBe(true)

    const second = await startRelay({ dataDir: restoredDir })
    running.push(second)
    const b = appConnection(second.wsUrl, invite, 'join')
    cleanups.push(() => b.conn.destroy())
    await waitFor(() => b.conn.getState().kind === 'synced', 'synced from the restored relay')
    expect(b.doc.getText('t').toString()).toBe(expected)
    const got = await fetch(`${second.httpUrl}/blobs/${invite.roomId}/${hash}`, { headers: auth })
    expect(got.status).toBe(200)
    expect(new Uint8Array(await got.arrayBuffer())).toEqual(photo)
  })

  it('with DATABASE_URL set, refuses in one line pointing at pg_dump / pg_restore, and writes nothing', async () => {
    // a data folder that would otherwise back up fine: the refusal is about DATABASE_URL alone
    const dataDir = tempDir('sb-backup-pg')
    const first = await startRelay({ dataDir })
    running.push(first)
    await first.stop()
    const archives = tempDir('sb-backups-pg')
    const env = { DATABASE_URL: 'postgres://relay@db.example.org/scholenband' }

    const backup = script('relay-backup.mjs', [archives], dataDir, env)
    expect(backup.status).toBe(1)
    expect(backup.out.trim().split('\n')).toHaveLength(1)
    expect(backup.out).toMatch(/DATABASE_URL is set.*pg_dump/)
    expect(readdirSync(archives)).toEqual([])

    const restoredDir = join(tempDir('sb-restore-pg'), 'data')
    const restore = script('relay-restore.mjs', [join(archives, 'any.tar.gz')], restoredDir, env)
    expect(restore.status).toBe(1)
    expect(restore.out.trim().split('\n')).toHaveLength(1)
    expect(restore.out).toMatch(/DATABASE_URL is set.*pg_restore/)
    expect(existsSync(restoredDir)).toBe(false)

    // the same folder without DATABASE_URL backs up as before
    expect(script('relay-backup.mjs', [archives], dataDir).status).toBe(0)
  })
})
