import { Counter, Gauge, Histogram, Registry } from 'prom-client'

/**
 * Every metric the server exports, made on a registry of its own (never prom-client's global one)
 * so that two servers in one process, as in the tests, keep separate counts.
 */
export function createMetrics() {
  const registry = new Registry()
  const ms = [0.25, 0.5, 1, 2, 5, 10, 15, 25, 50, 100, 250, 1000]
  return {
    registry,
    connections: new Gauge({
      name: 'weft_connections',
      help: 'Open sync sockets',
      registers: [registry],
    }),
    docsLoaded: new Gauge({
      name: 'weft_docs_loaded',
      help: 'Pipeline documents held in memory',
      registers: [registry],
    }),
    bytesIn: new Counter({
      name: 'weft_bytes_in_total',
      help: 'Bytes received on sync sockets',
      registers: [registry],
    }),
    bytesOut: new Counter({
      name: 'weft_bytes_out_total',
      help: 'Bytes sent on sync sockets',
      registers: [registry],
    }),
    fanoutLatency: new Histogram({
      name: 'weft_fanout_latency_ms',
      help: 'Time from receiving an update to handing it to every other socket of the document',
      buckets: ms,
      registers: [registry],
    }),
    persistLatency: new Histogram({
      name: 'weft_persist_latency_ms',
      help: 'Time from receiving an update to its commit in the database (the ack latency)',
      buckets: ms,
      registers: [registry],
    }),
    commitLatency: new Histogram({
      name: 'weft_commit_latency_ms',
      help: 'Time one group commit takes in the database, from sending the append to its reply',
      buckets: ms,
      registers: [registry],
    }),
    persistBatchSize: new Histogram({
      name: 'weft_persist_batch_updates',
      help: 'Updates written per group commit',
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
      registers: [registry],
    }),
    rejectedFrames: new Counter({
      name: 'weft_rejected_frames_total',
      help: 'Frames refused, by reason',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    evictions: new Counter({
      name: 'weft_evictions_total',
      help: 'Documents flushed and unloaded after their last socket closed',
      registers: [registry],
    }),
    compactions: new Counter({
      name: 'weft_compactions_total',
      help: 'Update-log compactions into a snapshot',
      registers: [registry],
    }),
    slowConsumers: new Counter({
      name: 'weft_slow_consumer_closes_total',
      help: 'Sockets closed for resync because their send queue passed the cap',
      registers: [registry],
    }),
  }
}

export type Metrics = ReturnType<typeof createMetrics>
