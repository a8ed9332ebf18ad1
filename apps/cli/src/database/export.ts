/**
 * `weft export ID --database-url URL | --data-dir DIR`: a pipeline's YAML read straight from the
 * server's database, for administrators (backups, a server that is down). Loaded only by that
 * form of the command, so the database drivers cost nothing to every other `weft` run.
 */
import { exportYaml } from '@weft/core'
import { openReader, StoreError, type PipelineReader } from '@weft/storage'
import { join, resolve } from 'node:path'
import * as Y from 'yjs'
import { CliError, describeFsError, exitCodes, firstLine, type ExitCode } from '../errors.js'
import { writeOutput } from '../files.js'
import type { Io } from '../io.js'
import { PIPELINE_ID } from '../remote/bases.js'
import { remoteCodes } from '../remote/codes.js'
import { databaseCodes } from './codes.js'

export type DatabaseTarget = { databaseUrl: string } | { dataDir: string }

/** Opens the database read-only, turning every refusal into a coded one-line CliError. */
async function open(io: Io, target: DatabaseTarget): Promise<PipelineReader> {
  try {
    return await openReader(
      'databaseUrl' in target
        ? { databaseUrl: target.databaseUrl }
        : { dataDir: resolve(io.cwd, target.dataDir) },
    )
  } catch (error) {
    throw refusal(error)
  }
}

/**
 * A StoreError as the coded CliError the user sees. A driver error (it has a SQLSTATE or errno
 * `code`) is a failed read; anything else is left as it is (a bug).
 */
function refusal(error: unknown): unknown {
  if (error instanceof CliError) return error
  if (!(error instanceof StoreError)) {
    const code = (error as { code?: unknown } | null)?.code
    if (typeof code !== 'string' || !(error instanceof Error)) return error
    return new CliError(
      `Reading the database failed: ${firstLine(error.message)} (${code})`,
      exitCodes.usage,
      databaseCodes.readFailed,
    )
  }
  const coded = (code: string, exit: ExitCode, hint = '') =>
    new CliError(`${error.message}${hint}`, exit, code)
  switch (error.code) {
    case 'INVALID':
      return coded(databaseCodes.badUrl, exitCodes.usage)
    case 'UNAVAILABLE':
      return coded(databaseCodes.unreachable, exitCodes.usage)
    case 'NO_DATABASE':
      return coded(databaseCodes.noDatabase, exitCodes.usage)
    case 'CONFLICT':
      return coded(
        databaseCodes.inUse,
        exitCodes.usage,
        ' Stop the server to read its embedded database, or use `weft pull` against it.',
      )
    case 'SCHEMA_MISSING':
      return coded(databaseCodes.notWeft, exitCodes.invalid)
    case 'SCHEMA_NEWER':
      return coded(databaseCodes.tooNew, exitCodes.invalid)
    default:
      return error
  }
}

/** The YAML the server's `GET /api/pipelines/:id/yaml` gives: core's export of the loaded doc. */
async function yamlOf(reader: PipelineReader, id: string): Promise<string | null> {
  const stored = await reader.loadDocument(id)
  if (stored === null) return null
  const doc = new Y.Doc()
  try {
    doc.transact(() => {
      for (const update of stored.updates) Y.applyUpdate(doc, update)
    })
    return exportYaml(doc)
  } finally {
    doc.destroy()
  }
}

/** One pipeline, to stdout or to `output`. */
export async function exportOne(
  io: Io,
  target: DatabaseTarget,
  id: string,
  output: string | undefined,
): Promise<number> {
  const reader = await open(io, target)
  let yaml: string | null
  try {
    yaml = await yamlOf(reader, id)
  } catch (error) {
    throw refusal(error)
  } finally {
    await reader.close()
  }
  if (yaml === null) {
    throw new CliError(
      `No pipeline '${id}' in the database (or it was deleted).`,
      exitCodes.invalid,
      remoteCodes.pipelineNotFound,
    )
  }
  if (output === undefined) io.stdout(yaml)
  else await writeOutput(io, output, yaml)
  return exitCodes.ok
}

/**
 * Every pipeline that is not deleted, as DIR/ID.yaml (created if missing). Prints `ID<TAB>FILE`
 * per pipeline on stdout and a count on stderr. One read per pipeline, each consistent in itself.
 */
export async function exportAll(io: Io, target: DatabaseTarget, dir: string): Promise<number> {
  const reader = await open(io, target)
  try {
    const pipelines = await reader.listPipelines()
    try {
      await io.mkdir(resolve(io.cwd, dir), 0o755)
    } catch (error) {
      throw new CliError(
        `${dir}: cannot create the directory: ${describeFsError(error)}`,
        exitCodes.usage,
      )
    }
    let written = 0
    for (const { id } of pipelines) {
      // Ids come from the database; one that is not a server id never becomes a path.
      if (!PIPELINE_ID.test(id)) {
        io.stderr(`skipped a pipeline whose id is not a file name: ${JSON.stringify(id)}\n`)
        continue
      }
      // Deleted since the list was read: nothing to write.
      const yaml = await yamlOf(reader, id)
      if (yaml === null) continue
      const file = join(dir, `${id}.yaml`)
      await writeOutput(io, file, yaml)
      io.stdout(`${id}\t${file}\n`)
      written++
    }
    io.stderr(`${written} pipeline${written === 1 ? '' : 's'} exported to ${dir}\n`)
    return exitCodes.ok
  } catch (error) {
    throw refusal(error)
  } finally {
    await reader.close()
  }
}
