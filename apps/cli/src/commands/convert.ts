/**
 * `weft convert IN OUT`: pipeline YAML to a `.ydoc` (the Yjs update the editor and server store)
 * and back. The direction follows the extensions.
 */
import { exportYaml, importYaml } from '@weft/core'
import * as Y from 'yjs'
import { type Command, parseCommandArgs, usageError } from '../command.js'
import { exitCodes } from '../errors.js'
import { fileKind, readText, readYdoc, writeOutput } from '../files.js'
import type { Io } from '../io.js'
import { formatDiagnostics } from '../report.js'

export const convert: Command = {
  name: 'convert',
  summary: 'convert between pipeline YAML and a Weft .ydoc',
  help: `Usage: weft convert IN OUT

Converts pipeline YAML (.yaml, .yml) to a Weft document (.ydoc, a Yjs update), or a .ydoc back
to YAML. OUT is replaced atomically; nothing is written when IN cannot be converted.

Options:
  -h, --help   show this help

Exit status: 0 on success, 1 when IN is not a pipeline that can be converted, 2 on usage or I/O errors.`,

  async run(args, io) {
    const { values, positionals } = parseCommandArgs(this, args, {
      help: { type: 'boolean', short: 'h' },
    })
    if (values.help) {
      io.stdout(`${this.help}\n`)
      return exitCodes.ok
    }
    const [input, output, ...extra] = positionals
    if (input === undefined || output === undefined) throw usageError(this, 'expected IN and OUT')
    if (extra.length > 0) throw usageError(this, `unexpected argument '${extra[0]}'`)
    const from = fileKind(input)
    const to = fileKind(output)
    if (from === 'yaml' && to === 'ydoc') return yamlToYdoc(io, input, output)
    if (from === 'ydoc' && to === 'yaml') return ydocToYaml(io, input, output)
    throw usageError(
      this,
      `cannot convert '${input}' to '${output}': one must end in .yaml or .yml and the other in .ydoc`,
    )
  },
}

async function yamlToYdoc(io: Io, input: string, output: string): Promise<number> {
  const text = await readText(io, input)
  const doc = new Y.Doc()
  try {
    const result = importYaml(doc, text)
    io.stderr(formatDiagnostics(input, result.diagnostics))
    if (!result.ok) {
      io.stderr(
        `weft: ${input}: is not YAML that pipeline_ex can read; ${output} was not written\n`,
      )
      return exitCodes.invalid
    }
    await writeOutput(io, output, Y.encodeStateAsUpdate(doc))
    return exitCodes.ok
  } finally {
    doc.destroy()
  }
}

async function ydocToYaml(io: Io, input: string, output: string): Promise<number> {
  const doc = await readYdoc(io, input)
  try {
    await writeOutput(io, output, exportYaml(doc))
    return exitCodes.ok
  } finally {
    doc.destroy()
  }
}
