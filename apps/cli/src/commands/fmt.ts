/**
 * `weft fmt FILE... [--check]`: rewrites pipeline YAML in the canonical layout, keeping comments.
 * Core's formatYaml refuses any change pipeline_ex would read differently, and so does this.
 */
import { formatYaml } from '@weft/core'
import { type Command, parseCommandArgs, usageError } from '../command.js'
import { exitCodes } from '../errors.js'
import { fileKind, readText, writeOutput } from '../files.js'
import { formatDiagnostics } from '../report.js'

export const fmt: Command = {
  name: 'fmt',
  summary: 'format pipeline YAML canonically, keeping comments and meaning',
  help: `Usage: weft fmt FILE... [--check]

Rewrites each pipeline YAML file in place in the canonical layout (2-space indentation, sequences
indented under their key, long lines never re-folded), keeping comments. A file is left alone,
with the reason printed, when it does not parse or formatting would change what pipeline_ex reads.

Options:
  --check      write nothing; exit 1 if any file is not formatted
  -h, --help   show this help

Exit status: 0 on success, 1 when a file cannot be formatted (or, with --check, is not formatted),
2 on usage or I/O errors.`,

  async run(args, io) {
    const { values, positionals } = parseCommandArgs(this, args, {
      check: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    })
    if (values.help) {
      io.stdout(`${this.help}\n`)
      return exitCodes.ok
    }
    if (positionals.length === 0) throw usageError(this, 'no file given')
    for (const file of positionals) {
      if (fileKind(file) !== 'yaml') throw usageError(this, `'${file}' is not a .yaml or .yml file`)
    }

    let status: number = exitCodes.ok
    for (const file of positionals) {
      const text = await readText(io, file)
      const result = formatYaml(text)
      if (!result.ok) {
        io.stderr(formatDiagnostics(file, result.diagnostics))
        io.stderr(`weft: ${file}: cannot be formatted safely; left unchanged\n`)
        status = exitCodes.invalid
      } else if (result.text === text) {
        // Nothing to say: silence on an already formatted file keeps `fmt` quiet in hooks.
      } else if (values.check) {
        io.stderr(`${file}: not formatted\n`)
        status = exitCodes.invalid
      } else {
        await writeOutput(io, file, result.text)
        io.stderr(`${file}: formatted\n`)
      }
    }
    return status
  },
}
