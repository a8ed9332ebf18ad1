export type { Config, SignupMode } from './config.js'
export { ConfigError, isEmail, readConfig } from './config.js'
