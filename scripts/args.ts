/** Command-line arguments of the long-run scripts (`--seeds 1000`, `--frames 100000`). */

/** The whole number after `--<name>`, or undefined when the flag is absent; anything else stops with exit 2. */
export function wholeNumberArg(name: string): number | undefined {
  const i = process.argv.indexOf(`--${name}`)
  if (i < 0) return undefined
  const n = Number(process.argv[i + 1])
  if (!Number.isInteger(n) || n < 0) {
    process.stderr.write(`--${name} needs a whole number\n`)
    process.exit(2)
  }
  return n
}
