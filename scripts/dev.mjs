#!/usr/bin/env node
// Development: the relay on :8080 (no static files) and the Vite dev server, which proxies
// /sync and /healthz to it. Ctrl-C stops both.
import { spawn } from 'node:child_process'

const relay = spawn(process.execPath, ['--import', 'tsx', 'sync-server/server.ts'], {
  stdio: 'inherit',
  env: { ...process.env, PORT: process.env.RELAY_PORT ?? '8080', HOST: '127.0.0.1', STATIC_DIR: '.no-static', LOG_LEVEL: 'debug' },
})
const vite = spawn(process.execPath, ['node_modules/vite/bin/vite.js'], { stdio: 'inherit' })
const stop = () => {
  relay.kill('SIGTERM')
  vite.kill('SIGTERM')
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
relay.on('exit', stop)
vite.on('exit', stop)
