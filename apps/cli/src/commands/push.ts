/**
 * `weft push FILE [--id ID]`: send a local YAML file to the server, as a new pipeline or as an
 * edit of an existing one that merges with what live editors did since the last pull.
 */
import type { Diagnostic } from '@weft/core'
import { type Command, parseCommandArgs, usageError } from '../command.js'
import { CliError, exitCodes } from '../errors.js'
import { readText } from '../files.js'
import type { Io } from '../io.js'
import { PIPELINE_ID, readBase, writeBase } from '../remote/bases.js'
import { diagnosticsOf, refusal, request, type Answer } from '../remote/client.js'
import { remoteCodes } from '../remote/codes.js'
import { resolveRemote, type Remote } from '../remote/config.js'
import { formatDiagnostics, summarizeSeverities } from '../report.js'

export const push: Command = {
  name: 'push',
  summary: 'send a YAML file to the server (new pipeline, or merge into --id)',
  help: `Usage: weft push FILE [--id ID] [--server URL]

Without --id, creates a new pipeline from FILE and prints its id on stdout.

With --id, updates pipeline ID. When this machine pulled or pushed ID before, that text is sent
as the base and the server applies only your edit (base → FILE): what others changed meanwhile
is kept ("merged"). Without a base the pipeline is made equal to FILE ("imported"). Either way
FILE becomes the new base.

The server refuses a file that does not parse or has no workflow map (nothing changes; the
reasons are printed as file:line:column: severity CODE message). It keeps, and flags, files that
pipeline_ex would reject for other reasons.

Options:
  --id ID         the pipeline to update
  --server URL    the server (default: WEFT_SERVER, then the stored login); the token is
                  WEFT_TOKEN, else the stored one
  -h, --help      show this help

Exit status: 0 when pushed, 1 when the server refuses (invalid pipeline, no access, token
refused), 2 on usage, I/O or network errors.`,

  async run(args, io) {
    const { values, positionals } = parseCommandArgs(this, args, {
      id: { type: 'string' },
      server: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    })
    if (values.help) {
      io.stdout(`${this.help}\n`)
      return exitCodes.ok
    }
    const [file, ...extra] = positionals
    if (file === undefined) throw usageError(this, 'no file given')
    if (extra.length > 0) throw usageError(this, `unexpected argument '${extra[0]}'`)
    const id = values.id
    if (id !== undefined && !PIPELINE_ID.test(id)) {
      throw usageError(this, `'${id}' is not a pipeline id`)
    }
    const yaml = await readText(io, file)
    const remote = await resolveRemote(io, values)
    return id === undefined ? create(io, remote, file, yaml) : update(io, remote, file, yaml, id)
  },
}

async function create(io: Io, remote: Remote, file: string, yaml: string): Promise<number> {
  const answer = await request(io, remote.server, 'POST', '/api/pipelines', {
    token: remote.token,
    yaml,
  })
  const id = (answer.json as { id?: unknown } | undefined)?.id
  if (answer.status !== 201 || typeof id !== 'string' || !PIPELINE_ID.test(id)) {
    throw refused(io, file, answer, remote)
  }
  await writeBase(io, remote.server, id, yaml)
  io.stdout(`${id}\n`)
  io.stderr(`Created pipeline ${id} on ${remote.server} from ${file}\n`)
  reportFlagged(io, file, diagnosticsOf(answer.json))
  return exitCodes.ok
}

async function update(
  io: Io,
  remote: Remote,
  file: string,
  yaml: string,
  id: string,
): Promise<number> {
  const base = await readBase(io, remote.server, id)
  const answer = await request(io, remote.server, 'PUT', `/api/pipelines/${id}/yaml`, {
    token: remote.token,
    json: base === undefined ? { yaml } : { yaml, base },
  })
  const mode = (answer.json as { mode?: unknown } | undefined)?.mode
  if (answer.status !== 200 || (mode !== 'merged' && mode !== 'imported')) {
    throw refused(io, file, answer, remote, id)
  }
  await writeBase(io, remote.server, id, yaml)
  io.stderr(
    mode === 'merged'
      ? `Pushed ${file} to ${id}: merged (only your edit since the last pull or push was applied; ` +
          `changes others made meanwhile are kept). 'weft pull ${id}' shows the result.\n`
      : base === undefined
        ? `Pushed ${file} to ${id}: imported (no base from an earlier pull of ${id} on this ` +
          `machine, so the pipeline now equals the file)\n`
        : `Pushed ${file} to ${id}: imported (the stored base could not be read as YAML, so the ` +
          `pipeline now equals the file)\n`,
  )
  reportFlagged(io, file, diagnosticsOf(answer.json))
  return exitCodes.ok
}

/** A 422 prints why, line by line, before the one-line error; other refusals are one line. */
function refused(io: Io, file: string, answer: Answer, remote: Remote, id?: string): CliError {
  if (answer.status === 422) {
    const error = (answer.json as { error?: { details?: unknown; message?: unknown } } | undefined)
      ?.error
    io.stderr(formatDiagnostics(file, diagnosticsOf(error?.details)))
    const why = typeof error?.message === 'string' ? `: ${error.message}` : ''
    return new CliError(
      `${file} was refused, nothing changed${why}`,
      exitCodes.invalid,
      remoteCodes.invalidPipeline,
    )
  }
  return refusal(answer, { ...remote, ...(id === undefined ? {} : { pipelineId: id }) })
}

/** What the server kept but flagged, in the same lines as `weft validate`. */
function reportFlagged(io: Io, file: string, diagnostics: readonly Diagnostic[]): void {
  if (diagnostics.length === 0) return
  io.stderr(formatDiagnostics(file, diagnostics))
  const errors = diagnostics.some((d) => d.severity === 'error')
  io.stderr(
    `${file}: ${summarizeSeverities(diagnostics)}` +
      (errors ? ' (pipeline_ex would reject it; Weft keeps it and flags the errors)' : '') +
      '\n',
  )
}
