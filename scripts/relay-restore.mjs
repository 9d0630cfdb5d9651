#!/usr/bin/env node
/**
 * Restores a relay backup into an empty data folder: `npm run relay:restore -- <archive>`.
 *   DATA_DIR (./data)   where to restore; must not exist or be empty — a restore never overwrites
 *                       a data folder (move the old one aside first)
 * The archive is unpacked next to DATA_DIR, opened as LevelDB to check it, then renamed into
 * place, so DATA_DIR is either absent or complete. Start the relay afterwards.
 * With DATABASE_URL set the relay reads nothing of DATA_DIR's data: the script refuses (restore
 * the database with pg_restore, see docs/deploy.md "Backups").
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, renameSync, rmSync, rmdirSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { Level } from 'level'

if ((process.env.DATABASE_URL ?? '') !== '') {
  console.error('DATABASE_URL is set: rooms and photos are in PostgreSQL, not in DATA_DIR; restore the database with pg_restore (docs/deploy.md, "Backups")')
  process.exit(1)
}
const archive = process.argv[2]
if (!archive) {
  console.error('usage: npm run relay:restore -- <archive.tar.gz>   (DATA_DIR: where to restore)')
  process.exit(2)
}
const dataDir = resolve(process.env.DATA_DIR ?? './data')
if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
  console.error(`${dataDir} is not empty: a restore never overwrites data; move it aside or set DATA_DIR`)
  process.exit(1)
}
const staging = mkdtempSync(join(dirname(dataDir), `.${basename(dataDir)}-restore-`))
try {
  const tar = spawnSync('tar', ['-xzf', resolve(archive), '-C', staging], { stdio: 'inherit' })
  if (tar.status !== 0) throw new Error('tar could not unpack the archive')
  const db = new Level(staging, { createIfMissing: false })
  await db.open() // throws on anything that is not a LevelDB folder
  await db.close()
  if (existsSync(dataDir)) rmdirSync(dataDir) // empty, checked above
  renameSync(staging, dataDir)
  console.log(JSON.stringify({ msg: 'restored', archive: resolve(archive), dataDir }))
} catch (err) {
  rmSync(staging, { recursive: true, force: true })
  console.error(`restore failed: ${err instanceof Error ? err.message : String(err)}; ${dataDir} left as it was`)
  process.exit(1)
}
