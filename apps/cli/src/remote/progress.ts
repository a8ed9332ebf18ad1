/**
 * Progress on stderr: a bar redrawn in place on a terminal, or one `[n/total] file status` line
 * per file otherwise (CI logs, pipes), where carriage returns would be noise.
 */
import type { Io } from '../io.js'

export interface Progress {
  /** One more file is done. */
  step(file: string, status: string): void
  /** Removes the bar, so what follows starts on a clean line. */
  finish(): void
}

const WIDTH = 24

export function progress(io: Io, total: number): Progress {
  let done = 0
  if (!io.stderrIsTTY) {
    return {
      step(file, status) {
        done++
        io.stderr(`[${done}/${total}] ${file} ${status}\n`)
      },
      finish() {},
    }
  }
  return {
    step(file) {
      done++
      io.stderr(`\r\x1b[K${bar(done, total)} ${done}/${total} ${shorten(file, 50)}`)
    },
    finish() {
      if (done > 0) io.stderr('\r\x1b[K')
    },
  }
}

export function bar(done: number, total: number): string {
  const filled = total === 0 ? WIDTH : Math.round((done / total) * WIDTH)
  return `[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}]`
}

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `…${text.slice(text.length - max + 1)}`
}
