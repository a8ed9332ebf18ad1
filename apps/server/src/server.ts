/**
 * The composition root: the one place that turns configuration into running parts (store, relay,
 * auth, REST, sockets, static web app) and wires them together. Everything below it receives its
 * dependencies; nothing below it reads the environment.
 */
import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { serve } from '@hono/node-server'
import { serveStatic } from '@hono/node-server/serve-static'
import type { Env, Hono } from 'hono'
import { createApi, isCrossSite } from './api/index.js'
import { Auth, offeredProtocols, startAccessSweeper } from './auth/index.js'
import type { Config } from './config/index.js'
import type { Logger } from './logging/index.js'
import { History } from './history/index.js'
import { createMetrics } from './metrics/index.js'
import { summarizeState } from './pipelines/index.js'
import { createSyncRoute, createSyncSocketServer, realTimers, Relay } from './relay/index.js'
import { openStore } from '@weft/storage'
import { loadShippedTemplates } from './templates/index.js'

export interface ServerDeps {
  readonly logger: Logger
  readonly now?: () => Date
}

export interface RunningServer {
  readonly port: number
  /** http://host:port */
  readonly url: string
  /** Stops taking connections, flushes every pending update to the database, closes it. */
  close(): Promise<void>
}

const PIPELINE_ID = /^[A-Za-z0-9_-]{1,64}$/

/**
 * `apps/server/templates`: one level above this module both as source (`src/server.ts`) and as
 * the build (`dist/weft-server.js`), so the bundle finds the templates at run time.
 */
const shippedTemplatesDir = fileURLToPath(new URL('../templates', import.meta.url))

/** Ids for pipelines and epochs: 128 random bits, URL- and subprotocol-safe. */
export function newId(): string {
  return randomBytes(16).toString('base64url')
}

export async function startServer(config: Config, deps: ServerDeps): Promise<RunningServer> {
  const { logger } = deps
  const now = deps.now ?? (() => new Date())
  const store = await openStore({
    ...(config.databaseUrl === undefined
      ? { dataDir: config.dataDir }
      : { databaseUrl: config.databaseUrl }),
    poolSize: config.databasePoolSize,
    logger,
  })
  logger.info('database ready', {
    backend: store.kind,
    ...(store.kind === 'pglite' ? { dataDir: config.dataDir } : {}),
  })
  const metrics = createMetrics()
  const auth = new Auth({ store, now, sessionTtlMs: config.sessionTtlMs })
  await auth.ensureAdmin(config.admin, logger)

  const history = new History({
    store: store.versions,
    render: summarizeState,
    logger: logger.child({ component: 'history' }),
    now,
    timers: realTimers,
    idleMs: config.historyIdleMs,
    maxMs: config.historyMaxMs,
    keepAllMs: config.historyKeepAllMs,
  })
  const relay = new Relay({
    store,
    metrics,
    logger: logger.child({ component: 'relay' }),
    render: summarizeState,
    limits: { evictAfterMs: config.evictAfterMs, compactEvery: config.compactEvery },
    onEdit: (pipelineId, author) => history.noteEdit(pipelineId, author),
  })
  await relay.start()
  // Edits a stopped process recorded but did not version.
  history.sweep().catch((error: unknown) => logger.warn('version sweep failed', { error }))

  const app = createApi({
    store,
    auth,
    documents: relay,
    metrics,
    logger,
    secureCookies: config.secureCookies,
    signup: config.signup,
    newId,
    now,
    shippedTemplates: await loadShippedTemplates(
      config.templatesDir ?? shippedTemplatesDir,
      logger,
    ),
  })
  app.get(
    '/sync/:pipelineId',
    createSyncRoute(relay, async (c) => {
      const protocols = offeredProtocols(c.req.header('sec-websocket-protocol'))
      const caller = await auth.fromHeaders({
        authorization: c.req.header('authorization'),
        cookie: c.req.header('cookie'),
        protocols,
      })
      if (!caller) return c.json({ error: { code: 'UNAUTHENTICATED', message: 'Sign in' } }, 401)
      // A sibling subdomain's page gets the SameSite cookie on a socket too: refuse it.
      const crossSite = isCrossSite({
        secFetchSite: c.req.header('sec-fetch-site'),
        origin: c.req.header('origin'),
        host: c.req.header('host'),
      })
      if (caller.credential.kind === 'session' && crossSite) {
        return c.json(
          { error: { code: 'CROSS_SITE_REQUEST', message: 'Refused: opened from another site' } },
          403,
        )
      }
      const id = c.req.param('pipelineId') ?? ''
      const role = PIPELINE_ID.test(id) ? await store.getRole(id, caller.user.id) : null
      if (role === null) {
        return c.json({ error: { code: 'PIPELINE_NOT_FOUND', message: 'No such pipeline' } }, 404)
      }
      return {
        principal: {
          userId: caller.user.id,
          email: caller.user.email,
          role,
          credential: caller.credential,
        },
      }
    }),
  )
  if (config.webDir !== undefined) mountWebApp(app, config.webDir)

  const sweeper = startAccessSweeper({
    store,
    connections: () => relay.connections(),
    intervalMs: config.accessRecheckMs,
    now,
    timers: {
      setInterval: (fn, ms) => setInterval(fn, ms).unref(),
      clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
    },
    logger,
  })

  const wss = createSyncSocketServer()
  const server = serve({
    fetch: app.fetch,
    port: config.port,
    hostname: config.host,
    websocket: { server: wss },
  })
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve)
    server.once('error', reject)
  })
  const port = (server.address() as AddressInfo).port
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`
  // Before `listening`, so whoever waits for that line finds the setup link (if any) above it.
  // A wildcard listen address is not one a browser can open.
  const linkBase = /^(0\.0\.0\.0|::|\[::\])$/.test(config.host) ? `http://localhost:${port}` : url
  await auth.offerSetup(linkBase, logger)
  logger.info('listening', { port, url, backend: store.kind })

  let closing: Promise<void> | undefined
  return {
    port,
    url,
    close: () =>
      (closing ??= (async () => {
        sweeper.stop()
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()))
        await relay.close()
        await history.close()
        wss.close()
        await stopped
        await store.close()
        logger.info('stopped')
      })()),
  }
}

/** The web app's files, with every other non-API path answered by index.html (client routes). */
function mountWebApp<E extends Env>(app: Hono<E>, root: string): void {
  app.use('/*', serveStatic({ root }))
  let index: Promise<string> | undefined
  app.get('*', async (c, next) => {
    if (c.req.path.startsWith('/api/') || c.req.path.startsWith('/sync/')) return next()
    index ??= readFile(join(root, 'index.html'), 'utf8')
    try {
      return c.html(await index)
    } catch {
      index = undefined
      return next()
    }
  })
}
