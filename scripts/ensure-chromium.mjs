#!/usr/bin/env node
// Makes sure a system Chromium is there for the browser tests; never downloads a browser bundle.
// CHROME_PATH wins; else /usr/bin/chromium. When missing and we are root with apt-get, installs
// Debian's `chromium`; otherwise stops with one line saying how to install it.
import { existsSync } from 'node:fs'
import { execFileSync, spawnSync } from 'node:child_process'

const path = process.env.CHROME_PATH || '/usr/bin/chromium'
if (existsSync(path)) process.exit(0)

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0
if (process.env.CHROME_PATH || !isRoot || !hasApt) {
  console.error(
    `Chromium not found at ${path}: install it (Debian/Ubuntu: sudo apt-get install -y chromium) or set CHROME_PATH to a Chromium binary.`,
  )
  process.exit(1)
}
console.log('Chromium not found: installing Debian chromium with apt-get (one time)…')
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
try {
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { stdio: 'inherit', env })
} catch {
  execFileSync('apt-get', ['update'], { stdio: 'inherit', env })
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { stdio: 'inherit', env })
}
if (!existsSync(path)) {
  console.error(`apt-get finished but ${path} is still missing; set CHROME_PATH to your Chromium binary.`)
  process.exit(1)
}
