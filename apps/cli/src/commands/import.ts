/**
 * `weft import DIR`: every YAML file of a folder becomes a new pipeline, four requests at a time,
 * with progress on stderr and a summary of what was refused, why, and what was kept but flagged.
 */
import { join, relative, resolve } from 'node:path'
import { type Command, parseCommandArgs, usageError } from '../command.js'
import { CliError, describeFsError, exitCodes, FileError } from '../errors.js'
import { fileKind, readText } from '../files.js'
import type { Io } from '../io.js'
import { PIPELINE_ID, writeBase } from '../remote/bases.js'
import { diagnosticsOf, refusal, request, serverError } from '../remote/client.js'
import { remoteCodes } from '../remote/codes.js'
import { resolveRemote, type Remote } from '../remote/config.js'
import { progress } from '../remote/progress.js'
import { codes } from './validate.js'
import {
  countOutcomes,
  firstProblem,
  formatImportSummary,
  hasErrors,
  type ImportOutcome,
} from '../remote/summary.js'

/** Enough to keep the server busy without one import crowding out live editors. */
export const CONCURRENCY = 4

/** Failures that every later file would hit too: stop instead of repeating them. */
const FATAL: ReadonlySet<string> = new Set([
  remoteCodes.unauthorized,
  remoteCodes.forbidden,
  remoteCodes.unreachable,
  remoteCodes.badResponse,
])

export const importCommand: Command = {
  name: 'import',
  summary: 'create a pipeline from every YAML file in a folder',
  help: `Usage: weft import DIR [--recursive] [--server URL]

Creates a new pipeline from every *.yaml and *.yml file in DIR (names starting with '.' are
skipped), ${CONCURRENCY} requests at a time. Progress goes to stderr: a bar on a terminal, else
one '[n/total] file status' line per file. Then stdout gets 'ID<TAB>FILE' for each created
pipeline, and stderr a summary:
  - refused files, each with its first problem as file:line:column CODE message. The server
    refuses only YAML that does not parse or has no workflow map;
  - files imported with errors flagged: pipeline_ex would reject them, Weft keeps them;
  - the counts.

Options:
  -r, --recursive   also import the files in DIR's subfolders
  --server URL      the server (default: WEFT_SERVER, then the stored login); the token is
                    WEFT_TOKEN, else the stored one
  -h, --help        show this help

Exit status: 0 when every file was imported (even with errors flagged), 1 when any file was
refused, 2 on usage, I/O or network errors (the import stops at a refused token or a server it
cannot reach, and the summary says how far it got).`,

  async run(args, io) {
    const { values, positionals } = parseCommandArgs(this, args, {
      recursive: { type: 'boolean', short: 'r' },
      server: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    })
    if (values.help) {
      io.stdout(`${this.help}\n`)
      return exitCodes.ok
    }
    const [dir, ...extra] = positionals
    if (dir === undefined) throw usageError(this, 'no folder given')
    if (extra.length > 0) throw usageError(this, `unexpected argument '${extra[0]}'`)
    const remote = await resolveRemote(io, values)
    const files = await listYaml(io, dir, values.recursive === true)
    if (files.length === 0) {
      io.stderr(`No .yaml or .yml files in ${dir}\n`)
      return exitCodes.ok
    }

    const bar = progress(io, files.length)
    const outcomes: ImportOutcome[] = []
    let fatal: CliError | undefined
    let next = 0
    const worker = async () => {
      while (fatal === undefined && next < files.length) {
        const file = files[next++]!
        try {
          const outcome = await importFile(io, remote, file)
          outcomes.push(outcome)
          bar.step(file, hasErrors(outcome) ? 'imported (errors flagged)' : outcome.status)
        } catch (error) {
          if (error instanceof CliError) fatal ??= error
          else throw error
        }
      }
    }
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, files.length) }, worker))
    bar.finish()

    const created = [...outcomes]
      .flatMap((o) => (o.status === 'imported' ? [o] : []))
      .sort((a, b) => (a.file < b.file ? -1 : 1))
    io.stdout(created.map((o) => `${o.id}\t${o.file}\n`).join(''))
    io.stderr(formatImportSummary(outcomes, files.length))
    if (fatal !== undefined) throw fatal
    const counts = countOutcomes(outcomes, files.length)
    if (counts.failed > 0) return exitCodes.usage
    return counts.refused > 0 ? exitCodes.invalid : exitCodes.ok
  },
}

/** The YAML files under `dir`, as paths the user can click (`dir` joined with the name), sorted. */
async function listYaml(io: Io, dir: string, recursive: boolean): Promise<string[]> {
  const root = resolve(io.cwd, dir)
  const found: string[] = []
  const walk = async (absolute: string) => {
    let entries
    try {
      entries = await io.readDir(absolute)
    } catch (error) {
      const shown = join(dir, relative(root, absolute))
      throw new FileError(shown, `cannot list it: ${describeFsError(error)}`, exitCodes.usage)
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue
      const path = join(absolute, entry.name)
      if (entry.kind === 'file' && fileKind(entry.name) === 'yaml') {
        found.push(join(dir, relative(root, path)))
      } else if (entry.kind === 'directory' && recursive) {
        await walk(path)
      }
    }
  }
  await walk(root)
  return found.sort()
}

/** One file's outcome; throws only the failures that end the whole import (see FATAL). */
async function importFile(io: Io, remote: Remote, file: string): Promise<ImportOutcome> {
  let yaml: string
  try {
    yaml = await readText(io, file)
  } catch (error) {
    if (!(error instanceof FileError)) throw error
    const code = error.exitCode === exitCodes.usage ? codes.unreadable : codes.notText
    return { file, status: 'refused', reason: { code, message: error.problem } }
  }
  const answer = await request(io, remote.server, 'POST', '/api/pipelines', {
    token: remote.token,
    yaml,
  })
  const id = (answer.json as { id?: unknown } | undefined)?.id
  if (answer.status === 201 && typeof id === 'string' && PIPELINE_ID.test(id)) {
    await writeBase(io, remote.server, id, yaml)
    return { file, status: 'imported', id, diagnostics: diagnosticsOf(answer.json) }
  }
  const error = serverError(answer)
  if (answer.status === 422) {
    const first = firstProblem(diagnosticsOf(error?.details))
    return {
      file,
      status: 'refused',
      reason: first ?? { code: error?.code ?? 'INVALID_PIPELINE', message: error?.message ?? '' },
    }
  }
  const cliError = refusal(answer, remote)
  if (cliError.code !== undefined && FATAL.has(cliError.code)) throw cliError
  const reason = {
    code: error?.code ?? `HTTP_${answer.status}`,
    message: error?.message ?? `the server answered ${answer.status}`,
  }
  return { file, status: answer.status >= 500 ? 'failed' : 'refused', reason }
}
