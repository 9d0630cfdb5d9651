#!/usr/bin/env node
/**
 * Backs up the relay's data folder (every room's LevelDB log and verifier, and the photos under
 * blobs/) into one dated archive: `npm run relay:backup [-- <folder for archives>]`.
 *
 * Consistent by construction: the relay must be stopped. The script takes LevelDB's own lock on
 * DATA_DIR for the whole copy, so it refuses (exit 1) while a relay holds it, and a relay started
 * meanwhile refuses to start instead of writing under the copy. Procedure: stop → backup → start.
 *   DATA_DIR (./data)   the relay's data folder
 *   argument (./backups) where the archive goes: scholenband-relay-<UTC date and time>.tar.gz
 *
 * With DATABASE_URL set (several relays) rooms and photos live in PostgreSQL, not in DATA_DIR:
 * the script refuses rather than write an archive that holds none of them (use pg_dump, see
 * docs/deploy.md "Backups").
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { Level } from 'level'

if ((process.env.DATABASE_URL ?? '') !== '') {
  console.error('DATABASE_URL is set: rooms and photos are in PostgreSQL, not in DATA_DIR; back up the database with pg_dump (docs/deploy.md, "Backups")')
  process.exit(1)
}
const dataDir = resolve(process.env.DATA_DIR ?? './data')
const outDir = resolve(process.argv[2] ?? './backups')

if (!existsSync(join(dataDir, 'CURRENT'))) {
  console.error(`${dataDir} holds no relay data (no LevelDB CURRENT file); set DATA_DIR`)
  process.exit(1)
}
const db = new Level(dataDir, { createIfMissing: false })
try {
  await db.open()
} catch (err) {
  const locked = err?.code === 'LEVEL_LOCKED' || /lock/i.test(String(err?.cause?.message ?? err?.message))
  console.error(locked ? `${dataDir} is in use: stop the relay first, then back up` : `cannot open ${dataDir}: ${err?.message}`)
  process.exit(1)
}
try {
  mkdirSync(outDir, { recursive: true })
  const stamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-')
  const archive = join(outDir, `scholenband-relay-${stamp}.tar.gz`)
  const partial = `${archive}.partial`
  // LOCK is LevelDB's lock file, held by us right now: not part of the data
  const tar = spawnSync('tar', ['-czf', partial, '--exclude=./LOCK', '-C', dataDir, '.'], { stdio: 'inherit' })
  if (tar.status !== 0) {
    console.error('tar failed; no archive written')
    process.exit(1)
  }
  renameSync(partial, archive) // an archive under its final name is always complete
  console.log(JSON.stringify({ msg: 'backup written', archive, bytes: statSync(archive).size, dataDir, name: basename(archive), dir: dirname(archive) }))
} finally {
  await db.close()
}
