/**
 * `weft export IN.ydoc [-o OUT]`: the YAML a Weft document stands for, on stdout or in a file.
 * `weft export ID --database-url URL | --data-dir DIR [-o OUT]` (and `--all -o DIR`): the same,
 * read straight from the server's database (src/database).
 */
import { exportYaml } from '@weft/core'
import { type Command, parseCommandArgs, usageError } from '../command.js'
import { exitCodes } from '../errors.js'
import { fileKind, readYdoc, writeOutput } from '../files.js'
import { PIPELINE_ID } from '../remote/bases.js'

export const exportCommand: Command = {
  name: 'export',
  summary: "print the pipeline YAML held by a .ydoc, or by the server's database",
  help: `Usage: weft export IN.ydoc [-o OUT.yaml]
       weft export ID (--database-url URL | --data-dir DIR) [-o OUT.yaml]
       weft export --all (--database-url URL | --data-dir DIR) -o DIR

Prints the pipeline YAML that a Weft document (.ydoc) holds, or writes it to OUT atomically.

For administrators, with --database-url or --data-dir: reads pipeline ID straight from the Weft
server's database and prints exactly the YAML the server's GET /api/pipelines/ID/yaml gives
(its latest edits included), with no account and no running server needed. The database is
only read: nothing is migrated or written. It must have been set up by a Weft server of this
release or an older one; a newer schema is refused. --all writes every pipeline as DIR/ID.yaml
(a YAML backup; it is not a replacement for pg_dump, which also keeps users, access and
history).

Options:
  -o, --output OUT     write to OUT (.yaml or .yml) instead of stdout; with --all, a directory
  --database-url URL   the server's PostgreSQL (its DATABASE_URL), postgres://USER@HOST:PORT/DB.
                       Leave the password out of the URL and set PGPASSWORD instead, so it stays
                       out of the process list and your shell history. DATABASE_URL is never
                       read on its own: write --database-url "$DATABASE_URL".
  --data-dir DIR       the server's embedded database (its WEFT_DATA_DIR). Only one process may
                       open it: stop the server first (or use 'weft pull' against it).
  --all                export every pipeline that is not deleted, into the directory -o names
  -h, --help           show this help

Exit status: 0 on success, 1 when IN holds no Weft pipeline, there is no pipeline ID, or the
database is not a Weft database of a known schema, 2 on usage, I/O or connection errors.
Database failures print a stable code: CLI_BAD_DATABASE_URL, CLI_DATABASE_UNREACHABLE,
CLI_NO_DATABASE, CLI_DATABASE_IN_USE, CLI_DATABASE_ERROR, CLI_NOT_A_WEFT_DATABASE,
CLI_DATABASE_TOO_NEW, CLI_PIPELINE_NOT_FOUND.`,

  async run(args, io) {
    const { values, positionals } = parseCommandArgs(this, args, {
      output: { type: 'string', short: 'o' },
      'database-url': { type: 'string' },
      'data-dir': { type: 'string' },
      all: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    })
    if (values.help) {
      io.stdout(`${this.help}\n`)
      return exitCodes.ok
    }
    const databaseUrl = values['database-url']
    const dataDir = values['data-dir']
    const output = values.output
    const [input, ...extra] = positionals
    if (extra.length > 0) throw usageError(this, `unexpected argument '${extra[0]}'`)

    if (databaseUrl !== undefined || dataDir !== undefined) {
      if (databaseUrl !== undefined && dataDir !== undefined) {
        throw usageError(this, 'give --database-url or --data-dir, not both')
      }
      const target = databaseUrl !== undefined ? { databaseUrl } : { dataDir: dataDir ?? '' }
      // Loaded here only: the database drivers are not needed by any other command.
      const { exportAll, exportOne } = await import('../database/export.js')
      if (values.all) {
        if (input !== undefined) throw usageError(this, '--all takes no pipeline id')
        if (output === undefined) throw usageError(this, '--all needs -o DIR')
        return exportAll(io, target, output)
      }
      if (input === undefined) throw usageError(this, 'no pipeline id given (or --all)')
      if (!PIPELINE_ID.test(input)) throw usageError(this, `'${input}' is not a pipeline id`)
      if (output !== undefined && fileKind(output) !== 'yaml') {
        throw usageError(this, `the output '${output}' must end in .yaml or .yml`)
      }
      return exportOne(io, target, input, output)
    }

    if (values.all) throw usageError(this, '--all needs --database-url or --data-dir')
    if (input === undefined) throw usageError(this, 'no .ydoc file given')
    if (fileKind(input) !== 'ydoc') {
      const hint = PIPELINE_ID.test(input)
        ? ` (to read pipeline ${input} from the server's database, add --database-url or --data-dir)`
        : ''
      throw usageError(this, `'${input}' is not a .ydoc file${hint}`)
    }
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
