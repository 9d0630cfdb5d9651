/**
 * `npm run fuzz -- --frames 100000 [--seed 1]`: starts a real relay and runs the fuzz of
 * tests/relay/fuzz.ts against it; prints the frames sent and the result. Exits 1 on failure.
 */
import { startRelay } from '../tests/helpers/relay'
import { runFuzz } from '../tests/relay/fuzz'
import { wholeNumberArg } from './args'

const MAX_MESSAGE_BYTES = 4096
const frames = wholeNumberArg('frames') ?? 3000
const seed = wholeNumberArg('seed') ?? 1
const relay = await startRelay({ env: { MAX_MESSAGE_BYTES: String(MAX_MESSAGE_BYTES), MAX_CONNECTIONS_PER_MINUTE: '1000000', MAX_FAILED_PROOFS_PER_MINUTE: '1000000' } })
const started = Date.now()
let code = 0
try {
  const r = await runFuzz({
    httpUrl: relay.httpUrl,
    wsUrl: relay.wsUrl,
    port: relay.port,
    maxMessageBytes: MAX_MESSAGE_BYTES,
    frames,
    seed,
    onProgress: (sent) => {
      if (sent % 5000 < 10) process.stdout.write(`  ${sent} frames…\n`)
    },
  })
  process.stdout.write(
    `fuzz ok: ${r.framesSent} frames sent on ${r.sockets} sockets and ${r.rawTcpSessions} raw TCP sessions in ` +
      `${Math.round((Date.now() - started) / 1000)} s (seed ${seed}); /healthz 200 ${r.healthChecks} times; ` +
      `the well-behaved client reached synced ${r.wellBehavedSyncs} times; close codes ${JSON.stringify(r.closeCodes)}\n`,
  )
} catch (err) {
  process.stdout.write(`fuzz FAILED (seed ${seed}): ${(err as Error).message}\n`)
  code = 1
} finally {
  if (relay.process.exitCode !== null) {
    process.stdout.write(`the relay exited with ${relay.process.exitCode}\n`)
    code = 1
  }
  await relay.kill()
}
process.exit(code)
