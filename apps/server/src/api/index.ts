export { createApi } from './app.js'
export type { ApiOptions, DocumentHost } from './context.js'
export type { ErrorCode } from './errors.js'
export { ApiError, errorBody, errorCodes } from './errors.js'
