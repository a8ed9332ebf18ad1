/**
 * A pool of client processes (client-worker.ts) that the many-client scenarios share, for both
 * systems alike: clients are dealt out round-robin, so each process holds about 1/P of them.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'vite'
import type { WorkerReply, WorkerRequest } from './client-worker.js'

const serverDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const bundle = join(serverDir, 'bench', 'dist', 'client-worker.mjs')

/** Bundles client-worker.ts (and @weft/core from source) so that plain Node can run it. */
export async function buildClientWorker(): Promise<void> {
  await build({
    configFile: false,
    root: serverDir,
    logLevel: 'warn',
    build: {
      ssr: 'bench/lib/client-worker.ts',
      target: 'node20',
      outDir: 'bench/dist',
      emptyOutDir: true,
      rollupOptions: { output: { entryFileNames: 'client-worker.mjs', format: 'es' } },
    },
    ssr: { noExternal: ['@weft/core'] },
  })
}

export class ClientProcess {
  private next = 0
  private readonly waiting = new Map<
    number,
    { resolve: (reply: WorkerReply) => void; reject: (error: Error) => void }
  >()
  readonly exited: Promise<void>

  constructor(readonly child: ChildProcess) {
    child.on('message', (m: { id: number; reply?: WorkerReply; error?: string }) => {
      const waiter = this.waiting.get(m.id)
      if (waiter === undefined) return
      this.waiting.delete(m.id)
      if (m.error !== undefined) waiter.reject(new Error(`client process: ${m.error}`))
      else waiter.resolve(m.reply!)
    })
    this.exited = new Promise((resolve) =>
      child.once('exit', () => {
        for (const waiter of this.waiting.values())
          waiter.reject(new Error('client process exited'))
        this.waiting.clear()
        resolve()
      }),
    )
  }

  get pid(): number {
    return this.child.pid ?? 0
  }

  request<R extends WorkerReply>(request: WorkerRequest): Promise<R> {
    const id = this.next++
    return new Promise<R>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (reply: WorkerReply) => void, reject })
      this.child.send({ id, request })
    })
  }
}

export async function startClientPool(size: number): Promise<ClientProcess[]> {
  await buildClientWorker()
  return Array.from(
    { length: size },
    () =>
      new ClientProcess(
        fork(bundle, [], {
          cwd: serverDir,
          stdio: 'inherit',
          // e.g. `--cpu-prof --cpu-prof-dir=/tmp/clients-prof` to profile the clients
          execArgv: (process.env.BENCH_CLIENT_NODE_ARGS ?? '').split(' ').filter(Boolean),
        }),
      ),
  )
}

export async function stopClientPool(pool: readonly ClientProcess[]): Promise<void> {
  for (const p of pool) if (p.child.connected) p.child.disconnect()
  await Promise.all(pool.map((p) => p.exited))
}

/** Deals `count` items out round-robin: the i-th process gets items i, i + P, i + 2P, … */
export function deal(count: number, processes: number): number[][] {
  const out = Array.from({ length: processes }, () => [] as number[])
  for (let i = 0; i < count; i++) out[i % processes]!.push(i)
  return out
}
