#!/usr/bin/env node
// The README's commands (`npm start`, `npm test`, `npm run weft`) on a machine that has only
// Node 20 and npm: bring in the pinned pnpm, install from the lockfile, then run the job.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const pinned = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager.split(
  '@',
)[1]
const [job = 'test', ...args] = process.argv.slice(2)
const env = { ...process.env, TURBO_TELEMETRY_DISABLED: '1', TURBO_NO_UPDATE_NOTIFIER: '1' }

function run(cmd, cmdArgs, opts = {}) {
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit', env, ...opts })
  if (r.error) throw r.error
  return r.status ?? 1
}
function must(cmd, cmdArgs, opts) {
  const status = run(cmd, cmdArgs, opts)
  if (status !== 0) process.exit(status)
}

function pnpm() {
  const probe = spawnSync('pnpm', ['--version'], { encoding: 'utf8', env })
  if (probe.status === 0 && probe.stdout.trim() === pinned) return ['pnpm', []]
  return ['npx', ['--yes', `pnpm@${pinned}`]]
}
const [pm, pmArgs] = pnpm()
const p = (...a) => [pm, [...pmArgs, ...a]]

function installIfNeeded() {
  const marker = join(root, 'node_modules', '.modules.yaml')
  const fresh =
    existsSync(marker) && statSync(marker).mtimeMs >= statSync(join(root, 'pnpm-lock.yaml')).mtimeMs
  if (!fresh || job === 'test') must(...p('install', '--frozen-lockfile'))
}

installIfNeeded()
switch (job) {
  case 'test':
    must(...p('run', 'format:check'))
    must(
      ...p(
        'exec',
        'turbo',
        'run',
        'lint',
        'typecheck',
        'test',
        '--continue=dependencies-successful',
        // The server and browser suites start databases, servers and Chromium; run one task at
        // a time so they do not fight over a small CI machine's cores.
        '--concurrency=1',
      ),
    )
    break
  case 'start':
    must(...p('exec', 'turbo', 'run', 'build', '--output-logs=errors-only'))
    // The server serves the built web app; it does not depend on it, so the path is given here.
    process.exit(
      run('node', [join(root, 'apps/server/bin/weft-server.js'), ...args], {
        env: { WEFT_WEB_DIR: join(root, 'apps/web/dist'), ...env },
        cwd: process.env.INIT_CWD ?? process.cwd(),
      }),
    )
  case 'weft':
    must(...p('exec', 'turbo', 'run', 'build', '--filter=@weft/cli', '--output-logs=errors-only'))
    process.exit(
      run('node', [join(root, 'apps/cli/bin/weft.js'), ...args], {
        cwd: process.env.INIT_CWD ?? process.cwd(),
      }),
    )
  default:
    console.error(`bootstrap: unknown job '${job}' (expected test, start or weft)`)
    process.exit(2)
}
