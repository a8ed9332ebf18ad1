/**
 * The base of a pipeline: the text this machine last pulled or pushed for it. `push` sends it so
 * the server applies only the edit made since (base → file) and keeps what live editors did.
 * Kept beside the config, per server and id: `<configdir>/bases/<sha256(server)[0..16]>/<id>.yaml`.
 */
import { createHash } from 'node:crypto'
import { dirname, join } from 'node:path'
import { CliError, describeFsError, exitCodes } from '../errors.js'
import type { Io } from '../io.js'
import { remoteCodes } from './codes.js'
import { configDir } from './config.js'

/** The ids the server hands out; anything else never reaches a path or a URL. */
export const PIPELINE_ID = /^[A-Za-z0-9_-]{1,64}$/

export function basePath(io: Io, server: string, id: string): string {
  if (!PIPELINE_ID.test(id)) throw new Error(`not a pipeline id: ${id}`)
  const key = createHash('sha256').update(server).digest('hex').slice(0, 16)
  return join(configDir(io), 'bases', key, `${id}.yaml`)
}

/** The last pulled or pushed text of the pipeline, or undefined when this machine has none. */
export async function readBase(io: Io, server: string, id: string): Promise<string | undefined> {
  try {
    return new TextDecoder().decode(await io.readFile(basePath(io, server, id)))
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return undefined
    throw new CliError(
      `cannot read the base of ${id}: ${describeFsError(error)}`,
      exitCodes.usage,
      remoteCodes.configUnreadable,
    )
  }
}

/** Records `text` as the base; pipelines can be private, so only the user may read it. */
export async function writeBase(io: Io, server: string, id: string, text: string): Promise<void> {
  const path = basePath(io, server, id)
  try {
    await io.mkdir(dirname(path), 0o700)
    await io.writeFileAtomic(path, text, { mode: 0o600 })
  } catch (error) {
    throw new CliError(
      `cannot record the base of ${id} in ${path}: ${describeFsError(error)}`,
      exitCodes.usage,
      remoteCodes.configUnwritable,
    )
  }
}
