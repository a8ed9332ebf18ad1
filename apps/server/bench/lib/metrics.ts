/** Weft's /metrics, read before and after a scenario to see what the server itself measured. */
import { api } from '../../test/harness.js'

export async function scrape(url: string, token: string): Promise<Map<string, number>> {
  const res = await api(url, 'GET', '/metrics', { token })
  const out = new Map<string, number>()
  for (const line of res.text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue
    const space = line.lastIndexOf(' ')
    out.set(line.slice(0, space), Number(line.slice(space + 1)))
  }
  return out
}

export interface ServerSide {
  /** weft_persist_latency_ms: update applied → its commit resolved, mean over the scenario. */
  persistMeanMs: number
  /** Share of persists that took more than 5 / 10 / 15 / 25 / 50 ms (the histogram's buckets). */
  persistOver: Record<string, number>
  /** weft_commit_latency_ms: one append's round trip to the database, mean. */
  commitMeanMs: number
  /** weft_persist_batch_updates: updates per group commit, mean. */
  batchMean: number
  commits: number
  compactions: number
}

export function delta(before: Map<string, number>, after: Map<string, number>): ServerSide {
  const d = (key: string) => (after.get(key) ?? 0) - (before.get(key) ?? 0)
  const count = d('weft_persist_latency_ms_count')
  const over: Record<string, number> = {}
  for (const le of ['5', '10', '15', '25', '50']) {
    const key = `weft_persist_latency_ms_bucket{le="${le}"}`
    if (after.has(key)) over[`>${le}ms`] = count > 0 ? 1 - d(key) / count : NaN
  }
  const commits = d('weft_persist_batch_updates_count')
  return {
    persistMeanMs: count > 0 ? d('weft_persist_latency_ms_sum') / count : NaN,
    persistOver: over,
    commitMeanMs:
      d('weft_commit_latency_ms_count') > 0
        ? d('weft_commit_latency_ms_sum') / d('weft_commit_latency_ms_count')
        : NaN,
    batchMean: commits > 0 ? d('weft_persist_batch_updates_sum') / commits : NaN,
    commits,
    compactions: d('weft_compactions_total'),
  }
}
