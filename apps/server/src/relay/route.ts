/**
 * Socket glue: `GET /sync/:pipelineId` upgraded to a WebSocket on @hono/node-server, bound to the
 * relay. Authorization runs before the upgrade (a plain Response refuses it), so no Yjs byte is
 * read from an unauthenticated socket. docs/protocol.md describes the protocol.
 */
import { upgradeWebSocket } from '@hono/node-server'
import type { WebSocketServerLike } from '@hono/node-server'
import type { Context, MiddlewareHandler } from 'hono'
import { WebSocketServer } from 'ws'
import type { WebSocket } from 'ws'
import type { Relay, RelayConnection } from './relay.js'
import type { Principal, RelaySocket } from './types.js'
import { CloseCode, defaultLimits } from './types.js'

export const PIPELINE_ID = /^[A-Za-z0-9_-]{1,64}$/

/** Subprotocols (docs/protocol.md). */
export const Subprotocol = {
  weft: 'weft',
  ack: 'weft-ack',
  tokenPrefix: 'weft-token.',
  epochPrefix: 'weft-epoch.',
} as const

export type Authorize = (c: Context) => Promise<{ principal: Principal } | Response>

/** A slow consumer's socket gets this long to take its 4508 close frame before it is cut. */
const slowCloseGraceMs = 2_000

/**
 * The `ws` server for `serve({ fetch, websocket: { server } })`: frames above `maxPayload` close
 * the socket with 1009 before they are buffered whole, and the `weft` subprotocol is selected
 * when offered (a browser refuses a handshake that answers none of the protocols it offered).
 */
export function createSyncSocketServer(
  options: { maxPayload?: number } = {},
): WebSocketServer & WebSocketServerLike {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxPayload ?? defaultLimits.maxFrameBytes,
    perMessageDeflate: false,
    handleProtocols: (protocols) => (protocols.has(Subprotocol.weft) ? Subprotocol.weft : false),
  })
  // ws types `noServer` as `boolean | undefined`, node-server as `boolean` (exactOptionalPropertyTypes).
  return wss as WebSocketServer & WebSocketServerLike
}

/** The comma-separated `Sec-WebSocket-Protocol` header as a list. */
export function parseProtocols(header: string | null | undefined): string[] {
  if (!header) return []
  return header
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')
}

/**
 * The handler for `app.get('/sync/:pipelineId', createSyncRoute(relay, authorize))`.
 * Order: validate the id (404), require an upgrade (426), `authorize` (its Response is returned
 * as is: 401/403/404), then upgrade and attach.
 */
export function createSyncRoute(relay: Relay, authorize: Authorize): MiddlewareHandler {
  return async (c, next) => {
    const pipelineId = c.req.param('pipelineId') ?? ''
    if (!PIPELINE_ID.test(pipelineId)) {
      return c.json({ error: { code: 'PIPELINE_NOT_FOUND', message: 'No such pipeline' } }, 404)
    }
    if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') {
      return c.json(
        { error: { code: 'UPGRADE_REQUIRED', message: 'This endpoint is a WebSocket' } },
        426,
      )
    }
    const authorized = await authorize(c)
    if (authorized instanceof Response) return authorized
    const { principal } = authorized
    const protocols = parseProtocols(c.req.header('sec-websocket-protocol'))
    const acks = protocols.includes(Subprotocol.ack)
    const epoch = protocols
      .find((p) => p.startsWith(Subprotocol.epochPrefix))
      ?.slice(Subprotocol.epochPrefix.length)

    let conn: RelayConnection | undefined
    const upgrade = upgradeWebSocket(() => ({
      onOpen: (_event, ws) => {
        conn = relay.attach(pipelineId, principal, adapt(ws.raw as WebSocket), {
          acks,
          ...(epoch === undefined ? {} : { epoch }),
        })
      },
      onMessage: (event) => {
        const data: unknown = event.data
        // Text frames are not part of the protocol: an empty frame is refused as malformed.
        conn?.receive(data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(0))
      },
      onClose: (event) => conn?.closed(event.code),
      onError: (event) => {
        const code = (event as { error?: { code?: unknown } }).error?.code
        if (code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') conn?.closed(CloseCode.tooLarge)
      },
    }))
    return upgrade(c, next)
  }
}

function adapt(ws: WebSocket): RelaySocket {
  return {
    send: (data) => ws.send(data),
    close: (code, reason) => {
      ws.close(code, reason)
      if (code === CloseCode.resync) {
        // Its buffer is full, so the close frame may never get through: cut it after a grace.
        setTimeout(() => {
          if (ws.readyState !== ws.CLOSED) ws.terminate()
        }, slowCloseGraceMs).unref()
      }
    },
    bufferedAmount: () => ws.bufferedAmount,
  }
}
