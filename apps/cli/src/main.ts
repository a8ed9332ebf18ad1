/**
 * The `weft` entry point: picks the command, maps errors to exit codes and prints them as one line.
 * `bin/weft.js` calls `run` with the real process; tests call it with a temp directory.
 */
import { version } from '../package.json'
import type { Command } from './command.js'
import { convert } from './commands/convert.js'
import { exportCommand } from './commands/export.js'
import { fmt } from './commands/fmt.js'
import { importCommand } from './commands/import.js'
import { login, logout } from './commands/login.js'
import { pipelines } from './commands/pipelines.js'
import { pull } from './commands/pull.js'
import { push } from './commands/push.js'
import { validate } from './commands/validate.js'
import { CliError, exitCodes, firstLine } from './errors.js'
import { nodeIo, type Io } from './io.js'

const local: readonly Command[] = [validate, convert, exportCommand, fmt]
const remote: readonly Command[] = [login, logout, pull, push, importCommand, pipelines]
const commands: readonly Command[] = [...local, ...remote]

const list = (cs: readonly Command[]) =>
  cs.map((c) => `  ${c.name.padEnd(11)}${c.summary}`).join('\n')

const usage = `Usage: weft <command> [options]

Validate, convert, export and format pipeline_ex YAML v2 pipelines, and move them to and from a
Weft server.

Commands:
${list(local)}
  help CMD   show the help of a command

With a Weft server:
${list(remote)}

Options:
  -h, --help   show this help
  --version    print weft's version

Run 'weft help <command>' for a command's options.`

/** Runs `weft` with the words after the program name and resolves to the exit code. */
export async function run(argv: readonly string[], io: Io = nodeIo()): Promise<number> {
  try {
    return await dispatch(argv, io)
  } catch (error) {
    if (error instanceof CliError) {
      io.stderr(`weft: ${error.message}\n`)
      return error.exitCode
    }
    // A bug, not a user mistake: still one line, never a stack trace in the user's terminal.
    const message = error instanceof Error ? error.message : String(error)
    io.stderr(`weft: internal error: ${firstLine(message)}\n`)
    return exitCodes.invalid
  }
}

async function dispatch(argv: readonly string[], io: Io): Promise<number> {
  const [first, ...rest] = argv
  if (first === undefined) {
    io.stderr(`${usage}\n`)
    return exitCodes.usage
  }
  if (first === '--help' || first === '-h') {
    io.stdout(`${usage}\n`)
    return exitCodes.ok
  }
  if (first === '--version') {
    io.stdout(`${version}\n`)
    return exitCodes.ok
  }
  if (first === 'help') {
    const [name, ...extra] = rest
    if (name === undefined) {
      io.stdout(`${usage}\n`)
      return exitCodes.ok
    }
    const command = commands.find((c) => c.name === name)
    if (command === undefined) {
      throw new CliError(`help: unknown command '${name}'\n\n${usage}`, exitCodes.usage)
    }
    if (extra.length > 0) {
      throw new CliError(`help: unexpected argument '${extra[0]}'\n\n${usage}`, exitCodes.usage)
    }
    io.stdout(`${command.help}\n`)
    return exitCodes.ok
  }
  const command = commands.find((c) => c.name === first)
  if (command === undefined) {
    const what = first.startsWith('-') ? 'option' : 'command'
    throw new CliError(`unknown ${what} '${first}'\n\n${usage}`, exitCodes.usage)
  }
  return command.run(rest, io)
}
