/**
 * One client process of the bench (client-pool.ts forks several, bundled by vite into
 * bench/dist/client-worker.mjs). It holds a share of the clients of a scenario, one WebSocket
 * each, and answers the pool's requests over the IPC channel. Times cross processes as Unix ms
 * (`epochNow`), which every process on the machine reads from the same clock.
 *
 * Why: with all 50 or 200 clients in the bench's own process, that process's event loop (p99 of
 * 18–21 ms with 50 writers on one document) was part of every measured latency, for both systems.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks'
import * as Y from 'yjs'
import { closeCodes, connectTo, epochNow, type BenchClient, type Target } from './clients.js'
import { FANOUT_PATH, fanoutStep, setKey, steps } from './workload.js'

export type WorkerRequest =
  | { op: 'connect'; target: Target; names: string[]; acks: boolean }
  | { op: 'watch'; writerId: number }
  | { op: 'collect'; lastClock: number; lastValue: number; timeoutMs: number }
  | {
      op: 'write'
      /** The global index of each local client (it picks the step a writer edits). */
      indexes: number[]
      rate: number
      measureFrom: number
      end: number
    }
  | { op: 'loop-start' }
  | { op: 'loop-stop' }
  | { op: 'close' }

export interface WorkerWrite {
  /** Global client index, the writer's Yjs client id and its clock after the write. */
  index: number
  clientId: number
  clock: number
  /** Unix ms of the local change; the ack's latency in ms, or null if none came. */
  at: number
  ackMs: number | null
}

export type WorkerReply =
  | { ok: true }
  | { received: Array<Array<[number, number]>>; wrongValue: number }
  | { writes: WorkerWrite[] }
  | { loopP99: number; loopMax: number }
  | { closes: number; closeCodes: Array<[number, number]> }

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

let clients: BenchClient[] = []
let received: Array<Array<[number, number]>> = []
let loop: IntervalHistogram | null = null

async function handle(request: WorkerRequest): Promise<WorkerReply> {
  switch (request.op) {
    case 'connect': {
      for (let i = 0; i < request.names.length; i += 25) {
        const group = request.names
          .slice(i, i + 25)
          .map((name) => connectTo(request.target, name, request.acks))
        clients.push(...group)
        await Promise.all(group.map((c) => c.synced))
      }
      return { ok: true }
    }
    case 'watch': {
      // Each reader notes when the writer's clock advances in its doc: (clock, Unix ms). Clocks,
      // not only values, so that updates arriving merged with the next one are counted too.
      received = clients.map((client) => {
        const got: Array<[number, number]> = []
        let last = Y.getState(client.doc.store, request.writerId)
        client.doc.on('update', () => {
          const at = epochNow()
          const clock = Y.getState(client.doc.store, request.writerId)
          if (clock > last) {
            last = clock
            got.push([clock, at])
          }
        })
        return got
      })
      return { ok: true }
    }
    case 'collect': {
      const deadline = Date.now() + request.timeoutMs
      while (
        !received.every((got) => (got[got.length - 1]?.[0] ?? 0) >= request.lastClock) &&
        Date.now() < deadline
      ) {
        await sleep(10)
      }
      const wrongValue = clients.filter(
        (c) => fanoutStep(c.doc).map.get(FANOUT_PATH[1]) !== request.lastValue,
      ).length
      return { received, wrongValue }
    }
    case 'write': {
      const writes: WorkerWrite[] = []
      const period = 1000 / request.rate
      await Promise.all(
        clients.map(async (client, local) => {
          const index = request.indexes[local]!
          const stepList = steps(client.doc)
          const step = stepList[index % stepList.length]!
          let counter = 0
          await sleep(Math.random() * period)
          while (epochNow() < request.end) {
            const t = performance.now()
            setKey(client.doc, step.id, ['token_budget', 'max_output_tokens'], 1000 + ++counter)
            if (epochNow(t) >= request.measureFrom) {
              const write: WorkerWrite = {
                index,
                clientId: client.doc.clientID,
                clock: Y.getState(client.doc.store, client.doc.clientID),
                at: epochNow(t),
                ackMs: null,
              }
              writes.push(write)
              client.track((at) => (write.ackMs = at - t))
            } else {
              client.track(() => {})
            }
            await sleep(period * (0.5 + Math.random()))
          }
        }),
      )
      const deadline = Date.now() + 10_000
      while (writes.some((w) => w.ackMs === null) && Date.now() < deadline) await sleep(10)
      return { writes }
    }
    case 'loop-start': {
      loop = monitorEventLoopDelay({ resolution: 5 })
      loop.enable()
      return { ok: true }
    }
    case 'loop-stop': {
      loop?.disable()
      const result = { loopP99: (loop?.percentile(99) ?? 0) / 1e6, loopMax: (loop?.max ?? 0) / 1e6 }
      loop = null
      return result
    }
    case 'close': {
      const closes = clients.reduce((n, c) => n + c.closes(), 0)
      for (const client of clients) client.destroy()
      clients = []
      received = []
      const codes = [...closeCodes]
      closeCodes.clear()
      return { closes, closeCodes: codes }
    }
  }
}

// y-websocket adds a process 'exit' listener per provider.
process.setMaxListeners(0)
process.on('message', (message: { id: number; request: WorkerRequest }) => {
  handle(message.request).then(
    (reply) => process.send?.({ id: message.id, reply }),
    (error: unknown) => process.send?.({ id: message.id, error: String(error) }),
  )
})
process.on('disconnect', () => process.exit(0))
