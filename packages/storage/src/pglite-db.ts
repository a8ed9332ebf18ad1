import { PGlite } from '@electric-sql/pglite'
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeSync,
} from 'node:fs'
import { join } from 'node:path'
import type { StorageLogger as Logger } from './logger.js'
import { StoreError } from './errors.js'
import type { Db, Param, Queryable } from './sql.js'

export interface PgliteDbOptions {
  /** A directory on disk, created on first start and reused after; undefined = in memory. */
  dataDir?: string
  logger: Logger
}

/**
 * PGlite starts PostgreSQL with `-F` (fsync off), and Emscripten's NODEFS has no fsync at all
 * (its fdatasync is a no-op). A committed write then sits in the OS page cache: it survives a
 * killed process but not a power cut. So on disk we drop `-F`, make the WAL use fsync() (the one
 * call Emscripten forwards to the file system) and give NODEFS a real fsync. Measured: one
 * fsync per COMMIT, as with a normal server (docs/decisions/0002).
 */
const durableStartParams = () => [
  ...PGlite.defaultStartParams.filter((p) => p !== '-F'),
  '-c',
  'wal_sync_method=fsync',
]

interface NodeFsStream {
  nfd?: unknown
}
interface EmscriptenFs {
  filesystems?: { NODEFS?: { stream_ops?: { fsync?: (stream: NodeFsStream) => number } } }
  ErrnoError: new (errno: number) => Error
}

/** Number of real fsync calls made on behalf of PGlite, for tests and metrics. */
export const pgliteFsyncs = { count: 0 }

function installFsync(db: PGlite, logger: Logger): boolean {
  const fs = (db.Module as unknown as { FS?: EmscriptenFs }).FS
  const ops = fs?.filesystems?.NODEFS?.stream_ops
  if (!fs || !ops) {
    logger.warn('PGlite commits are not fsynced: NODEFS not found')
    return false
  }
  ops.fsync = (stream) => {
    if (typeof stream.nfd !== 'number') return 0
    try {
      fsyncSync(stream.nfd)
      pgliteFsyncs.count += 1
      return 0
    } catch {
      throw new fs.ErrnoError(29) // EIO in Emscripten's numbering: PostgreSQL PANICs, as it should
    }
  }
  return true
}

/**
 * One process per data directory: two PGlite instances on one directory would both write it.
 * The lock file names our pid and its start time; a stale one (its process is gone, e.g. after
 * kill -9, is a zombie, or the pid now belongs to another process) is taken over.
 */
function lockDataDir(dataDir: string): () => void {
  const path = join(dataDir, 'weft.lock')
  const me = `${process.pid} ${processStart(process.pid) ?? ''}`.trim()
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx')
      writeSync(fd, me)
      closeSync(fd)
      return () => rmSync(path, { force: true })
    } catch (error) {
      if ((error as { code?: string }).code !== 'EEXIST') throw error
      const [pidText, start] = readFileSync(path, 'utf8').trim().split(' ')
      const pid = Number(pidText)
      if (Number.isInteger(pid) && pid > 0 && holds(pid, start)) {
        throw new StoreError(
          'CONFLICT',
          `The data directory ${dataDir} is in use by process ${pid}${pid === process.pid ? ' (this one)' : ''}.`,
        )
      }
      rmSync(path, { force: true })
    }
  }
  throw new StoreError('CONFLICT', `Could not lock the data directory ${dataDir}.`)
}

/** Linux: the process's start time in clock ticks, or null without /proc or for a zombie. */
function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    if (fields[0] === 'Z' || fields[0] === 'X') return null
    return fields[19] ?? null
  } catch {
    return null
  }
}

function holds(pid: number, start: string | undefined): boolean {
  if (start !== undefined && existsSync('/proc/self/stat')) return processStart(pid) === start
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM'
  }
}

/**
 * Embedded PostgreSQL (WASM) through PGlite's direct API. PGlite is one session: its query() and
 * transaction() share one mutex, so a statement from another caller never lands inside someone
 * else's transaction; it waits. LISTEN/NOTIFY works in-process.
 */
export async function openPgliteDb(options: PgliteDbOptions): Promise<Db> {
  const { logger, dataDir } = options
  let unlock = () => {}
  let db: PGlite
  if (dataDir === undefined) {
    db = await PGlite.create()
  } else {
    mkdirSync(dataDir, { recursive: true })
    unlock = lockDataDir(dataDir)
    try {
      db = await PGlite.create({ dataDir, startParams: durableStartParams() })
      installFsync(db, logger)
    } catch (error) {
      unlock()
      throw error
    }
  }

  const run = async <T extends object>(
    target: Pick<PGlite, 'query'>,
    text: string,
    params: ReadonlyArray<Param> = [],
  ): Promise<T[]> => {
    const result = await target.query<T>(text, params as unknown[])
    return result.rows
  }

  let closed = false
  return {
    kind: 'pglite',
    query: (text, params) => run(db, text, params),
    transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      return db.transaction((tx) => fn({ query: (text, params) => run(tx, text, params) }))
    },
    async listen(channel, onNotify) {
      // In one process there is no connection to lose, so onReconnect never fires.
      const unlisten = await db.listen(channel, onNotify)
      return async () => {
        if (!closed) await unlisten()
      }
    },
    async close() {
      if (closed) return
      closed = true
      try {
        await db.close()
      } finally {
        unlock()
      }
    },
  }
}
