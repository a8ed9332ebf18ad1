export type { Config } from './config.js'
export { ConfigError, isEmail, readConfig } from './config.js'
