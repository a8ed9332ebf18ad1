/**
 * A real temp directory plus an `Io` bound to it that records what a command prints, so tests
 * run commands in-process against real files.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { onTestFinished } from 'vitest'
import { nodeIo, type Io } from '../io.js'
import { run } from '../main.js'

export const validPipeline = `# A small pipeline
workflow:
  name: hello
  steps:
    - name: greet
      type: claude
      prompt:
        - type: static
          content: Say hello.
`

/** Parses as YAML, but pipeline_ex rejects it: there is no `workflow` section. */
export const invalidPipeline = 'name: not a workflow\n'

export const unparseableYaml = 'workflow:\n  name: [unclosed\n'

export interface Workspace {
  readonly dir: string
  readonly io: Io
  /** Everything written to stdout and stderr since the last `weft` call. */
  readonly out: { stdout: string; stderr: string }
  write(name: string, content: string | Uint8Array): string
  read(name: string): string
  readBytes(name: string): Uint8Array
  /** Runs `weft` in-process with this directory as its working directory. */
  weft(...argv: string[]): Promise<number>
}

export interface WorkspaceOptions {
  /** The environment the CLI sees; nothing of the real one leaks in (no WEFT_TOKEN, no HOME). */
  readonly env?: Record<string, string>
  /** Answers requests; by default any request fails as if the network were down. */
  readonly fetch?: typeof fetch
  /** Lines of piped stdin, read by `login`. */
  readonly stdin?: readonly string[]
  readonly stderrIsTTY?: boolean
}

export function workspace(options: WorkspaceOptions = {}): Workspace {
  const dir = mkdtempSync(join(tmpdir(), 'weft-cli-'))
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
  const out = { stdout: '', stderr: '' }
  const stdin = [...(options.stdin ?? [])]
  const io: Io = {
    ...nodeIo(dir),
    stdout: (text) => void (out.stdout += text),
    stderr: (text) => void (out.stderr += text),
    env: options.env ?? {},
    homedir: join(dir, 'home'),
    hostname: 'testhost',
    fetch:
      options.fetch ??
      (() => Promise.reject(new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }))),
    stdinIsTTY: false,
    stderrIsTTY: options.stderrIsTTY ?? false,
    readLine: () => Promise.resolve(stdin.shift()),
  }
  return {
    dir,
    io,
    out,
    write(name, content) {
      writeFileSync(join(dir, name), content)
      return name
    },
    read: (name) => readFileSync(join(dir, name), 'utf8'),
    readBytes: (name) => new Uint8Array(readFileSync(join(dir, name))),
    weft(...argv) {
      out.stdout = ''
      out.stderr = ''
      return run(argv, io)
    },
  }
}
