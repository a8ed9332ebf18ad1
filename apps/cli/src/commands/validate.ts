/**
 * `weft validate FILE...`: checks pipelines the way pipeline_ex's loader would, plus lint rules,
 * and prints every finding as `file:line:column: severity code message`.
 */
import { validateYaml, type Diagnostic } from '@weft/core'
import { type Command, parseCommandArgs, usageError } from '../command.js'
import { exitCodes, FileError } from '../errors.js'
import { readText } from '../files.js'
import type { Io } from '../io.js'
import { formatDiagnostics, plural, summarizeSeverities } from '../report.js'

/** One entry of `--json` output. */
export interface FileReport {
  readonly file: string
  readonly valid: boolean
  readonly diagnostics: readonly Diagnostic[]
}

/** Codes of the diagnostic `--json` carries for a file whose text could not be had at all. */
export const codes = {
  /** Missing, a directory, no permission: an I/O error, exit status 2. */
  unreadable: 'CLI_FILE_UNREADABLE',
  /** Binary content: an invalid file, exit status 1. */
  notText: 'CLI_NOT_TEXT',
} as const

export const validate: Command = {
  name: 'validate',
  summary: 'check pipeline files as pipeline_ex would load them',
  help: `Usage: weft validate FILE... [--json] [--test-env] [--no-lint]

Checks each pipeline YAML file as pipeline_ex's loader would, plus lint rules for run-time traps.
Prints one line per finding, file:line:column: severity code message, and a summary on stderr.

Options:
  --json       print one JSON array of { file, valid, diagnostics } on stdout instead
  --test-env   accept what pipeline_ex accepts only when Mix.env() == :test (test_echo steps)
  --no-lint    report only what makes pipeline_ex reject the file
  -h, --help   show this help

Exit status: 0 when every file is valid, 1 when any is invalid, 2 on usage or I/O errors.`,

  async run(args, io) {
    const { values, positionals } = parseCommandArgs(this, args, {
      json: { type: 'boolean' },
      'test-env': { type: 'boolean' },
      'no-lint': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    })
    if (values.help) {
      io.stdout(`${this.help}\n`)
      return exitCodes.ok
    }
    if (positionals.length === 0) throw usageError(this, 'no file given')
    const options = { testEnv: values['test-env'] === true, lint: values['no-lint'] !== true }

    const reports: FileReport[] = []
    let ioFailures = 0
    for (const file of positionals) {
      const { report, readError } = await validateFile(io, file, options)
      reports.push(report)
      if (readError !== undefined) {
        // The other files are still checked; this one gets its single line on stderr.
        io.stderr(`weft: ${readError.message}\n`)
        if (readError.exitCode === exitCodes.usage) ioFailures++
      } else if (!values.json) {
        io.stdout(formatDiagnostics(file, report.diagnostics))
      }
    }
    if (values.json) io.stdout(`${JSON.stringify(reports, null, 2)}\n`)

    const invalid = reports.filter((r) => !r.valid).length
    io.stderr(
      `${plural(reports.length, 'file')} checked: ${reports.length - invalid} valid, ${invalid} invalid` +
        ` (${summarizeSeverities(reports.flatMap((r) => r.diagnostics))})\n`,
    )
    if (ioFailures > 0) return exitCodes.usage
    return invalid > 0 ? exitCodes.invalid : exitCodes.ok
  },
}

async function validateFile(
  io: Io,
  file: string,
  options: { testEnv: boolean; lint: boolean },
): Promise<{ report: FileReport; readError?: FileError }> {
  let text: string
  try {
    text = await readText(io, file)
  } catch (error) {
    if (!(error instanceof FileError)) throw error
    const diagnostic: Diagnostic = {
      code: error.exitCode === exitCodes.usage ? codes.unreadable : codes.notText,
      severity: 'error',
      message: error.problem,
      path: [],
      line: 1,
      column: 1,
    }
    return { report: { file, valid: false, diagnostics: [diagnostic] }, readError: error }
  }
  const result = validateYaml(text, options)
  return { report: { file, valid: result.valid, diagnostics: result.diagnostics } }
}
