/** `weft pipelines`: the pipelines you have a role on, one line each. */
import { type Command, parseCommandArgs, usageError } from '../command.js'
import { exitCodes } from '../errors.js'
import { refusal, request } from '../remote/client.js'
import { resolveRemote } from '../remote/config.js'

interface PipelineRow {
  readonly id: string
  readonly name: string
  readonly role: string
  readonly updatedAt: string
}

export const pipelines: Command = {
  name: 'pipelines',
  summary: 'list the pipelines you have a role on',
  help: `Usage: weft pipelines [--json] [--server URL]

Lists the pipelines you have a role on, most recently updated first: id, your role, when it
was last updated (UTC) and its name.

Options:
  --json         print the server's list as JSON instead
  --server URL   the server (default: WEFT_SERVER, then the stored login); the token is
                 WEFT_TOKEN, else the stored one
  -h, --help     show this help

Exit status: 0 on success, 1 when the server refuses, 2 on usage, I/O or network errors.`,

  async run(args, io) {
    const { values, positionals } = parseCommandArgs(this, args, {
      json: { type: 'boolean' },
      server: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    })
    if (values.help) {
      io.stdout(`${this.help}\n`)
      return exitCodes.ok
    }
    if (positionals.length > 0) throw usageError(this, `unexpected argument '${positionals[0]}'`)
    const remote = await resolveRemote(io, values)
    const answer = await request(io, remote.server, 'GET', '/api/pipelines', {
      token: remote.token,
    })
    if (answer.status !== 200 || !Array.isArray(answer.json)) throw refusal(answer, remote)
    const rows = (answer.json as Partial<PipelineRow>[]).map(
      (p): PipelineRow => ({
        id: String(p.id ?? ''),
        name: String(p.name ?? ''),
        role: String(p.role ?? ''),
        updatedAt: String(p.updatedAt ?? ''),
      }),
    )
    if (values.json) {
      io.stdout(`${JSON.stringify(answer.json, null, 2)}\n`)
      return exitCodes.ok
    }
    io.stdout(formatPipelines(rows))
    return exitCodes.ok
  },
}

/** Aligned columns, newest first; names last because they vary most in length. */
export function formatPipelines(rows: readonly PipelineRow[]): string {
  if (rows.length === 0) return ''
  const sorted = [...rows].sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : -1))
  const table = [
    ['ID', 'ROLE', 'UPDATED', 'NAME'],
    ...sorted.map((r) => [r.id, r.role, r.updatedAt.replace('T', ' ').slice(0, 16), r.name]),
  ]
  const widths = [0, 1, 2].map((i) => Math.max(...table.map((row) => row[i]!.length)))
  return table
    .map((row) => row.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]!) : cell)).join('  '))
    .map((line) => `${line.trimEnd()}\n`)
    .join('')
}
