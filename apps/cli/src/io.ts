/**
 * Everything the commands do to the outside world goes through `Io`, so that tests run the real
 * commands in-process against a temp directory and capture what they print.
 */
import { randomBytes } from 'node:crypto'
import { mkdir, open, readdir, readFile, realpath, rm, rename, stat } from 'node:fs/promises'
import { homedir, hostname } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { CliError, exitCodes } from './errors.js'
import { remoteCodes } from './remote/codes.js'

export interface Io {
  /** The directory relative paths on the command line are resolved against. */
  readonly cwd: string
  /** Rejects with the Node error (its `code` says why) when the file cannot be read. */
  readFile(path: string): Promise<Uint8Array>
  /**
   * Replaces `path` so that a reader sees either the old content or the new, never a mix: a crash
   * or a full disk must not leave a half-written pipeline or destroy the input.
   */
  writeFileAtomic(path: string, data: string | Uint8Array, options?: WriteOptions): Promise<void>
  /** Creates the directory and its missing parents; `mode` applies to the ones it creates. */
  mkdir(path: string, mode: number): Promise<void>
  /** Removes a file; resolves to false when there was none. */
  removeFile(path: string): Promise<boolean>
  /** The entries of a directory, symlinks to files counted as files (never followed into dirs). */
  readDir(path: string): Promise<DirEntry[]>
  stdout(text: string): void
  stderr(text: string): void

  /** The environment as it was when the CLI started: configuration is read once, at the entry. */
  readonly env: Readonly<Record<string, string | undefined>>
  readonly homedir: string
  readonly hostname: string
  /** Node's built-in fetch; tests pass a fake or point the real one at a test server. */
  readonly fetch: typeof fetch
  /** Whether stdin is a terminal: login then asks interactively, with the password hidden. */
  readonly stdinIsTTY: boolean
  /** Whether stderr is a terminal: `import` then draws a progress bar instead of one line per file. */
  readonly stderrIsTTY: boolean
  /**
   * One line of input. On a terminal it asks `prompt` on stderr (without echo when `hidden`);
   * otherwise it reads the next line of stdin silently. Undefined at the end of the input.
   */
  readLine(prompt: string, options: { hidden: boolean }): Promise<string | undefined>
}

export interface WriteOptions {
  /** Forces the file's permission bits (secrets: 0o600) instead of keeping the old file's. */
  readonly mode?: number
}

export interface DirEntry {
  readonly name: string
  readonly kind: 'file' | 'directory' | 'other'
}

export function nodeIo(cwd: string = process.cwd()): Io {
  return {
    cwd,
    readFile: (path) => readFile(path),
    writeFileAtomic,
    mkdir: async (path, mode) => void (await mkdir(path, { recursive: true, mode })),
    removeFile: (path) =>
      rm(path).then(
        () => true,
        (error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT') return false
          throw error
        },
      ),
    readDir,
    stdout: writer(process.stdout),
    stderr: writer(process.stderr),
    env: { ...process.env },
    homedir: homedir(),
    hostname: hostname(),
    fetch: (input, init) => fetch(input, init),
    stdinIsTTY: process.stdin.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    readLine: lineReader(),
  }
}

async function readDir(path: string): Promise<DirEntry[]> {
  const entries = await readdir(path, { withFileTypes: true })
  return Promise.all(
    entries.map(async (e): Promise<DirEntry> => {
      if (e.isFile()) return { name: e.name, kind: 'file' }
      if (e.isDirectory()) return { name: e.name, kind: 'directory' }
      if (e.isSymbolicLink()) {
        const target = await stat(join(path, e.name)).catch(() => undefined)
        if (target?.isFile()) return { name: e.name, kind: 'file' }
      }
      return { name: e.name, kind: 'other' }
    }),
  )
}

/**
 * Lines from stdin. A pipe is read only as far as the lines asked for (never to its end, so a pipe
 * a CI runner leaves open cannot hang a login that already has its password), and paused between
 * reads so it does not keep the process alive; a terminal is asked.
 */
function lineReader(): Io['readLine'] {
  let buffer = ''
  let ended = false
  const nextChunk = (stdin: NodeJS.ReadStream) =>
    new Promise<string | undefined>((resolve, reject) => {
      const cleanup = () => {
        stdin.off('data', onData)
        stdin.off('end', onEnd)
        stdin.off('error', onError)
        stdin.pause()
        // A paused pipe still holds the process open; the command may be done with stdin.
        ;(stdin as { unref?: () => void }).unref?.()
      }
      const onData = (chunk: string) => (cleanup(), resolve(chunk))
      const onEnd = () => (cleanup(), resolve(undefined))
      const onError = (error: Error) => (cleanup(), reject(error))
      stdin.setEncoding('utf8')
      ;(stdin as { ref?: () => void }).ref?.()
      stdin.on('data', onData)
      stdin.once('end', onEnd)
      stdin.once('error', onError)
    })
  return async (prompt, { hidden }) => {
    const stdin = process.stdin
    if (stdin.isTTY) return hidden ? readHidden(prompt) : askTerminal(prompt)
    for (;;) {
      const nl = buffer.indexOf('\n')
      if (nl >= 0) {
        const line = buffer.slice(0, nl).replace(/\r$/, '')
        buffer = buffer.slice(nl + 1)
        return line
      }
      if (ended) {
        const rest = buffer
        buffer = ''
        return rest === '' ? undefined : rest
      }
      const chunk = await nextChunk(stdin)
      if (chunk === undefined) ended = true
      else buffer += chunk
    }
  }
}

function askTerminal(prompt: string): Promise<string | undefined> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true })
  return new Promise((resolve) => {
    let answered = false
    rl.on('close', () => {
      if (!answered) resolve(undefined)
    })
    rl.question(prompt, (answer) => {
      answered = true
      rl.close()
      resolve(answer)
    })
  })
}

/** Reads a line from the terminal in raw mode, echoing nothing, so a password never shows. */
function readHidden(prompt: string): Promise<string | undefined> {
  const stdin = process.stdin
  process.stderr.write(prompt)
  stdin.setRawMode(true)
  stdin.setEncoding('utf8')
  stdin.resume()
  let value = ''
  return new Promise((resolve, reject) => {
    const finish = (result: string | undefined, cancelled = false) => {
      stdin.off('data', onData)
      stdin.setRawMode(false)
      stdin.pause()
      process.stderr.write('\n')
      if (cancelled) reject(new CliError('cancelled', exitCodes.usage, remoteCodes.cancelled))
      else resolve(result)
    }
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return finish(value)
        if (ch === '\u0003') return finish(undefined, true) // Ctrl-C
        if (ch === '\u0004') return finish(value === '' ? undefined : value) // Ctrl-D
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1)
        else value += ch
      }
    }
    stdin.on('data', onData)
  })
}

/**
 * A writer that survives its reader going away: `weft export x.ydoc | head` closes the pipe
 * early, and Node would otherwise crash on the unhandled EPIPE with a stack trace.
 */
function writer(stream: NodeJS.WriteStream): (text: string) => void {
  let state: 'new' | 'open' | 'closed' = 'new'
  return (text) => {
    if (state === 'closed') return
    if (state === 'new') {
      state = 'open'
      stream.on('error', (error: NodeJS.ErrnoException) => {
        state = 'closed'
        if (error.code === 'EPIPE') return
        process.exitCode = 2
        if (stream !== process.stderr)
          process.stderr.write(`weft: cannot write output: ${error.message}\n`)
      })
    }
    stream.write(text)
  }
}

async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: WriteOptions = {},
): Promise<void> {
  // Write through a symlink to the file it names instead of replacing the link with a file.
  const target = await realpath(path).catch(() => path)
  const mode =
    options.mode ??
    (await stat(target).then(
      (s) => s.mode & 0o7777,
      () => 0o666,
    ))
  // Same directory as the target, so the rename stays on one file system and is atomic.
  const tmp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`)
  try {
    const handle = await open(tmp, 'wx', mode)
    try {
      // The umask may only take bits away; a forced mode must be exact.
      if (options.mode !== undefined) await handle.chmod(options.mode)
      await handle.writeFile(data)
      await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(tmp, target)
  } catch (error) {
    await rm(tmp, { force: true })
    throw error
  }
}
