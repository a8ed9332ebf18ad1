/**
 * Everything the commands do to the outside world goes through `Io`, so that tests run the real
 * commands in-process against a temp directory and capture what they print.
 */
import { randomBytes } from 'node:crypto'
import { open, readFile, realpath, rm, rename, stat } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

export interface Io {
  /** The directory relative paths on the command line are resolved against. */
  readonly cwd: string
  /** Rejects with the Node error (its `code` says why) when the file cannot be read. */
  readFile(path: string): Promise<Uint8Array>
  /**
   * Replaces `path` so that a reader sees either the old content or the new, never a mix: a crash
   * or a full disk must not leave a half-written pipeline or destroy the input.
   */
  writeFileAtomic(path: string, data: string | Uint8Array): Promise<void>
  stdout(text: string): void
  stderr(text: string): void
}

export function nodeIo(cwd: string = process.cwd()): Io {
  return {
    cwd,
    readFile: (path) => readFile(path),
    writeFileAtomic,
    stdout: writer(process.stdout),
    stderr: writer(process.stderr),
  }
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

async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  // Write through a symlink to the file it names instead of replacing the link with a file.
  const target = await realpath(path).catch(() => path)
  const mode = await stat(target).then(
    (s) => s.mode & 0o7777,
    () => 0o666,
  )
  // Same directory as the target, so the rename stays on one file system and is atomic.
  const tmp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`)
  try {
    const handle = await open(tmp, 'wx', mode)
    try {
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
