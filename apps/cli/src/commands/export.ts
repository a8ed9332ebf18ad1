/** `weft export IN.ydoc [-o OUT]`: the YAML a Weft document stands for, on stdout or in a file. */
import { exportYaml } from '@weft/core'
import { type Command, parseCommandArgs, usageError } from '../command.js'
import { exitCodes } from '../errors.js'
import { fileKind, readYdoc, writeOutput } from '../files.js'

export const exportCommand: Command = {
  name: 'export',
  summary: 'print the pipeline YAML held by a Weft .ydoc',
  help: `Usage: weft export IN.ydoc [-o OUT.yaml]

Prints the pipeline YAML that a Weft document (.ydoc) holds, or writes it to OUT atomically.

Options:
  -o, --output OUT   write to OUT (.yaml or .yml) instead of stdout
  -h, --help         show this help

Exit status: 0 on success, 1 when IN holds no Weft pipeline, 2 on usage or I/O errors.`,

  async run(args, io) {
    const { values, positionals } = parseCommandArgs(this, args, {
      output: { type: 'string', short: 'o' },
      help: { type: 'boolean', short: 'h' },
    })
    if (values.help) {
      io.stdout(`${this.help}\n`)
      return exitCodes.ok
    }
    const [input, ...extra] = positionals
    if (input === undefined) throw usageError(this, 'no .ydoc file given')
    if (extra.length > 0) throw usageError(this, `unexpected argument '${extra[0]}'`)
    if (fileKind(input) !== 'ydoc') throw usageError(this, `'${input}' is not a .ydoc file`)
    const output = values.output
    // Refusing other extensions keeps `-o pipeline.ydoc` from overwriting a document with YAML.
    if (output !== undefined && fileKind(output) !== 'yaml') {
      throw usageError(this, `the output '${output}' must end in .yaml or .yml`)
    }

    const doc = await readYdoc(io, input)
    try {
      const yaml = exportYaml(doc)
      if (output === undefined) io.stdout(yaml)
      else await writeOutput(io, output, yaml)
      return exitCodes.ok
    } finally {
      doc.destroy()
    }
  },
}
