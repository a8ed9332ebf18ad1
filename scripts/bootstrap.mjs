#!/usr/bin/env node
// The README's commands (`npm start`, `npm test`, `npm run weft`) on a machine that has only
// Node 20 and npm: bring in the pinned pnpm, install from the lockfile, then run the job.
import { spawn, spawnSync } from 'node:child_process'
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

// CI keeps only the tail of a long log, and a failing suite's report scrolls out of it when later
// tasks run on. Stream the output as usual, and on failure print each failing test's report again
// at the very end.
function runReportingFailures(cmd, cmdArgs) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, cmdArgs, { cwd: root, env, stdio: ['inherit', 'pipe', 'pipe'] })
    const digest = failureDigest()
    for (const stream of [child.stdout, child.stderr]) {
      stream.on('data', (chunk) => {
        ;(stream === child.stdout ? process.stdout : process.stderr).write(chunk)
        digest.push(chunk.toString('utf8'))
      })
    }
    child.on('error', reject)
    child.on('close', (code) => {
      const status = code ?? 1
      if (status !== 0) digest.print()
      resolve(status)
    })
  })
}

function failureDigest() {
  const keep = 400
  const kept = []
  let partial = ''
  let inFailures = false
  const strip = (line) => line.replace(/\x1b\[[0-9;]*m/g, '')
  return {
    push(text) {
      const lines = (partial + text).split('\n')
      partial = lines.pop() ?? ''
      for (const raw of lines) {
        const line = strip(raw)
        if (/Failed Tests \d+|Unhandled Errors?|Failed Suites \d+/.test(line)) inFailures = true
        else if (/Test Files .*\(\d+\)/.test(line)) inFailures = false
        if ((inFailures || /ERROR .*exited|\bFAIL\b/.test(line)) && kept.length < keep)
          kept.push(line)
      }
    },
    print() {
      if (kept.length === 0) return
      console.error('\n──────── failures, repeated from above ────────')
      for (const line of kept) console.error(line)
      if (kept.length >= keep) console.error(`(first ${keep} lines only)`)
    },
  }
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
    {
      const status = await runReportingFailures(
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
      if (status !== 0) process.exit(status)
    }
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
