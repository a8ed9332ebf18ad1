export type { Authorize } from './route.js'
export {
  createSyncRoute,
  createSyncSocketServer,
  parseProtocols,
  PIPELINE_ID,
  Subprotocol,
} from './route.js'
export type { RelayErrorCode } from './relay.js'
export { Relay, RelayConnection, RelayError } from './relay.js'
export type { RejectReason } from './protocol.js'
export { decodeSaved, encodeSaved, MessageType } from './protocol.js'
export type {
  AttachOptions,
  AuthoredOrigin,
  Principal,
  RelayLimits,
  RelayOptions,
  RelaySocket,
  RelayStore,
  Timers,
} from './types.js'
export { CloseCode, defaultLimits, realTimers } from './types.js'
