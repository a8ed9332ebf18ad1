/** Start-up, restart and shutdown of the server process as `npm start` runs it. */
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  ADMIN,
  api,
  createPipeline,
  pipelineYaml,
  startServerProcess,
  tempDir,
  tokenFor,
} from './harness.js'

describe('the server process', () => {
  it('creates the embedded database on first start and reuses it after', async () => {
    const dataDir = tempDir('data')
    let server = await startServerProcess({ WEFT_DATA_DIR: dataDir })
    expect(server.logs.find((l) => l.msg === 'listening')?.backend).toBe('pglite')
    const token = await tokenFor(server.url, ADMIN)
    const yaml = pipelineYaml('kept', 2)
    const id = await createPipeline(server.url, token, yaml)
    expect(await server.stop('SIGTERM')).toBe(0)
    expect(server.logs.some((l) => l.msg === 'stopped')).toBe(true)

    server = await startServerProcess({ WEFT_DATA_DIR: dataDir })
    try {
      // The admin exists already: no second one is made, the old token still works.
      expect(server.logs.some((l) => l.msg === 'created the admin user')).toBe(false)
      const back = await api(server.url, 'GET', `/api/pipelines/${id}/yaml`, { token })
      expect(back.text).toBe(yaml)
    } finally {
      await server.stop()
    }
  })

  it('refuses to start on bad configuration, naming each bad variable', () => {
    const result = spawnSync(
      process.execPath,
      [join(import.meta.dirname, '..', 'bin', 'weft-server.js')],
      {
        env: { PATH: process.env.PATH, PORT: 'eighty', WEFT_EVICT_AFTER_MS: '90000' },
        encoding: 'utf8',
      },
    )
    expect(result.status).toBe(2)
    expect(result.stderr).toContain('PORT: expected a whole number')
    expect(result.stderr).toContain('WEFT_EVICT_AFTER_MS')
  })

  it('serves Prometheus metrics to admins', async () => {
    const server = await startServerProcess({ WEFT_DATA_DIR: tempDir('metrics') })
    try {
      const token = await tokenFor(server.url, ADMIN)
      await createPipeline(server.url, token, pipelineYaml('measured'))
      const res = await api(server.url, 'GET', '/metrics', { token })
      expect(res.status).toBe(200)
      for (const name of [
        'weft_connections',
        'weft_docs_loaded',
        'weft_bytes_in_total',
        'weft_bytes_out_total',
        'weft_fanout_latency_ms_bucket',
        'weft_persist_latency_ms_bucket',
        'weft_commit_latency_ms_bucket',
        'weft_rejected_frames_total',
        'weft_evictions_total',
      ]) {
        expect(res.text).toContain(name)
      }
    } finally {
      await server.stop()
    }
  })
})
