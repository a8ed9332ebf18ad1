export type { ApiOptions, DocumentHost } from './app.js'
export { createApi } from './app.js'
export type { ErrorCode } from './errors.js'
export { ApiError, errorBody, errorCodes } from './errors.js'
