/**
 * Exit codes and the one error type commands throw for problems the user can fix. `run` prints
 * its message as a single line; anything else that escapes is a bug and is reported as such.
 */

export const exitCodes = {
  ok: 0,
  /** The input is not a valid pipeline, or a command refused to act on it. */
  invalid: 1,
  /** Wrong arguments, or a file that could not be read or written. */
  usage: 2,
} as const

export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes]

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    /** A stable `CLI_*` code that scripts may match on; printed before the message. */
    readonly code?: string,
  ) {
    super(code === undefined ? message : `${code} ${message}`)
    this.name = 'CliError'
  }
}

/** Something wrong with one file: the message is `file: problem`. */
export class FileError extends CliError {
  constructor(
    readonly file: string,
    readonly problem: string,
    exitCode: ExitCode,
  ) {
    super(`${file}: ${problem}`, exitCode)
    this.name = 'FileError'
  }
}

/** A one-line description of a failed file-system call, without Node's syscall noise. */
export function describeFsError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory'
    case 'EISDIR':
      return 'is a directory, not a file'
    case 'ENOTDIR':
      return 'a part of the path is not a directory'
    case 'EACCES':
    case 'EPERM':
      return 'permission denied'
    case 'ENOSPC':
      return 'no space left on the device'
    case 'EROFS':
      return 'the file system is read-only'
    default:
      return error instanceof Error ? firstLine(error.message) : String(error)
  }
}

export function firstLine(text: string): string {
  return text.split('\n', 1)[0] ?? ''
}
