/** The shape every command has, and the argument parsing they share. */
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { CliError, exitCodes } from './errors.js'
import type { Io } from './io.js'

export interface Command {
  readonly name: string
  /** One line for the command list in `weft --help`. */
  readonly summary: string
  /** The full text of `weft help <name>`. */
  readonly help: string
  /** Runs the command on its arguments (the words after its name) and returns the exit code. */
  run(args: readonly string[], io: Io): Promise<number>
}

type Options = NonNullable<ParseArgsConfig['options']>
type Parsed<O extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>
>

/**
 * `node:util` parseArgs in strict mode, with its errors turned into usage errors that show the
 * command's help instead of Node's advice about `--`.
 */
export function parseCommandArgs<const O extends Options>(
  command: Command,
  args: readonly string[],
  options: O,
): Parsed<O> {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true })
  } catch (error) {
    throw usageError(command, describeArgError(error))
  }
}

export function usageError(command: Command, problem: string): CliError {
  return new CliError(`${command.name}: ${problem}\n\n${command.help}`, exitCodes.usage)
}

function describeArgError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  // "Unknown option '--x'. To specify a positional argument starting with a '-', …"
  const first = message.split(/\.\s/, 1)[0] ?? message
  return first.charAt(0).toLowerCase() + first.slice(1)
}
