/** The machine the figures come from, read at run time. */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import postgres from 'postgres'

export interface Machine {
  cpu: string
  cores: number
  ramGiB: number
  node: string
  postgres: string
  /** The commit measured, and how many files under apps/server/src differ from it. */
  commit: string
  dirtyServerFiles: number
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim()
  } catch {
    return ''
  }
}

export async function describeMachine(databaseUrl: string): Promise<Machine> {
  let cpu = cpus()[0]?.model ?? 'unknown'
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'))
    if (line) cpu = line.split(':')[1]?.trim() ?? cpu
  } catch {
    // not Linux
  }
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} })
  try {
    const [row] = await sql<Array<{ version: string }>>`select version()`
    const [fsync] = await sql<Array<{ fsync: string }>>`show fsync`
    return {
      cpu,
      cores: cpus().length,
      ramGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
      node: process.version,
      postgres: `${(row?.version ?? '').split(' on ')[0]} (fsync ${fsync?.fsync})`,
      commit: git(['rev-parse', '--short', 'HEAD']),
      dirtyServerFiles: git(['status', '--porcelain', '--', 'src']).split('\n').filter(Boolean)
        .length,
    }
  } finally {
    await sql.end({ timeout: 5 })
  }
}
