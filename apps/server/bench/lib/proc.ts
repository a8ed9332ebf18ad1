/** CPU time of a process from /proc (Linux), in ms; NaN elsewhere. */
import { readdirSync, readFileSync } from 'node:fs'
import { setPriority } from 'node:os'
import { monitorEventLoopDelay } from 'node:perf_hooks'

export function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    // utime and stime are fields 14 and 15 of the full line (11 and 12 after the comm field)
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100
  } catch {
    return NaN
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

/** Resolves once `check()` is true; rejects after `timeoutMs`. */
export async function until(what: string, check: () => boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(10)
  }
}

/** Busy and total jiffies of the whole machine (/proc/stat); zeros elsewhere. */
function machineTicks(): { busy: number; total: number } {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1)
    const n = cpu.map(Number)
    const total = n.reduce((a, b) => a + b, 0)
    const idle = (n[3] ?? 0) + (n[4] ?? 0)
    return { busy: total - idle, total }
  } catch {
    return { busy: 0, total: 0 }
  }
}

export interface Load {
  /** Whole machine, 0–100 % of all cores. */
  machineBusyPct: number
  /** The bench's processes (its own and its client processes) and the server under test, % of one core. */
  benchCpuPct: number
  serverCpuPct: number
  /** Event-loop delay, ms: the worst p99 (and max) among the bench process and its client processes. */
  benchLoopDelayP99: number
  benchLoopDelayMax: number
}

/**
 * Starts measuring load; call the result, with the client processes' own loop delays, to stop
 * and read it.
 */
export function measureLoad(
  serverPid: number,
  clientPids: readonly number[] = [],
): (clientLoops?: ReadonlyArray<{ loopP99: number; loopMax: number }>) => Load {
  const t0 = performance.now()
  const m0 = machineTicks()
  const b0 = process.cpuUsage()
  const s0 = cpuMs(serverPid)
  const c0 = clientPids.map(cpuMs)
  const loop = monitorEventLoopDelay({ resolution: 5 })
  loop.enable()
  return (clientLoops = []) => {
    loop.disable()
    const wall = performance.now() - t0
    const m1 = machineTicks()
    const b = process.cpuUsage(b0)
    const clientCpu = clientPids.reduce((sum, pid, i) => sum + cpuMs(pid) - c0[i]!, 0)
    return {
      machineBusyPct:
        m1.total > m0.total ? (100 * (m1.busy - m0.busy)) / (m1.total - m0.total) : NaN,
      benchCpuPct: (100 * ((b.user + b.system) / 1000 + clientCpu)) / wall,
      serverCpuPct: (100 * (cpuMs(serverPid) - s0)) / wall,
      benchLoopDelayP99: Math.max(loop.percentile(99) / 1e6, ...clientLoops.map((l) => l.loopP99)),
      benchLoopDelayMax: Math.max(loop.max / 1e6, ...clientLoops.map((l) => l.loopMax)),
    }
  }
}

/** The process ids of `pid` and all its descendants (Linux /proc), for renice. */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>()
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
        const list = children.get(ppid) ?? []
        list.push(Number(entry))
        children.set(ppid, list)
      } catch {
        // the process ended meanwhile
      }
    }
  } catch {
    return [pid]
  }
  const out: number[] = []
  const walk = (p: number) => {
    out.push(p)
    for (const c of children.get(p) ?? []) walk(c)
  }
  walk(pid)
  return out
}

/**
 * Sets the scheduling priority of the given process trees (BENCH_NICE, a diagnostic: it shows
 * what the software does when the other work on a shared machine yields to it). Needs root for
 * a negative value.
 */
export function renice(nice: number, roots: readonly number[]): number {
  let count = 0
  for (const root of roots) {
    for (const pid of processTree(root)) {
      try {
        setPriority(pid, nice)
        count++
      } catch {
        // gone, or not permitted
      }
    }
  }
  return count
}
