import { describe, expect, it } from 'vitest'
import { ConfigError, readConfig } from './config.js'

describe('readConfig', () => {
  it('defaults to port 4000 and the embedded database in ./.weft-data', () => {
    const config = readConfig({}, '/srv/weft')
    expect(config.port).toBe(4000)
    expect(config.databaseUrl).toBeUndefined()
    expect(config.dataDir).toBe('/srv/weft/.weft-data')
    expect(config.admin).toBeUndefined()
    expect(config.evictAfterMs).toBeLessThanOrEqual(30_000)
    expect(config.accessRecheckMs).toBeLessThanOrEqual(5_000)
  })

  it('reads PORT, DATABASE_URL, the admin and the web directory', () => {
    const config = readConfig(
      {
        PORT: '8080',
        DATABASE_URL: 'postgres://weft@db/weft',
        WEFT_ADMIN_EMAIL: 'root@example.com',
        WEFT_ADMIN_PASSWORD: 'correct horse',
        WEFT_WEB_DIR: 'web/dist',
        WEFT_DATA_DIR: '/var/lib/weft',
      },
      '/srv',
    )
    expect(config.port).toBe(8080)
    expect(config.databaseUrl).toBe('postgres://weft@db/weft')
    expect(config.admin).toEqual({ email: 'root@example.com', password: 'correct horse' })
    expect(config.webDir).toBe('/srv/web/dist')
    expect(config.dataDir).toBe('/var/lib/weft')
  })

  it('names every bad variable in one error', () => {
    let error: unknown
    try {
      readConfig(
        {
          PORT: 'eighty',
          DATABASE_URL: 'mysql://x',
          WEFT_ADMIN_EMAIL: 'root@example.com',
          WEFT_ADMIN_PASSWORD: 'short',
          WEFT_EVICT_AFTER_MS: '60000',
          WEFT_SECURE_COOKIES: 'maybe',
          WEFT_LOG_LEVEL: 'loud',
          REDIS_URL: 'redis://x',
        },
        '/',
      )
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ConfigError)
    const problems = (error as ConfigError).problems.join('\n')
    for (const name of [
      'PORT',
      'DATABASE_URL',
      'WEFT_ADMIN_PASSWORD',
      'WEFT_EVICT_AFTER_MS',
      'WEFT_SECURE_COOKIES',
      'WEFT_LOG_LEVEL',
      'REDIS_URL',
    ]) {
      expect(problems).toContain(`${name}:`)
    }
    expect((error as ConfigError).code).toBe('CONFIG_INVALID')
  })

  it('reads WEFT_TEMPLATES_DIR relative to the working directory; unset means the shipped one', () => {
    expect(readConfig({}, '/srv').templatesDir).toBeUndefined()
    expect(readConfig({ WEFT_TEMPLATES_DIR: 'team/templates' }, '/srv').templatesDir).toBe(
      '/srv/team/templates',
    )
    expect(readConfig({ WEFT_TEMPLATES_DIR: '/etc/weft/templates' }, '/srv').templatesDir).toBe(
      '/etc/weft/templates',
    )
    expect(() => readConfig({ WEFT_TEMPLATES_DIR: 'a\nb' }, '/')).toThrow(/WEFT_TEMPLATES_DIR/)
  })

  it('wants the admin email and password together', () => {
    expect(() => readConfig({ WEFT_ADMIN_PASSWORD: 'long enough' }, '/')).toThrow(
      /WEFT_ADMIN_EMAIL/,
    )
  })

  it('reads WEFT_SIGNUP: invite-only unless told otherwise', () => {
    expect(readConfig({}, '/').signup).toBe('invite')
    expect(readConfig({ WEFT_SIGNUP: 'open' }, '/').signup).toBe('open')
    expect(readConfig({ WEFT_SIGNUP: ' Closed ' }, '/').signup).toBe('closed')
    expect(() => readConfig({ WEFT_SIGNUP: 'everyone' }, '/')).toThrow(
      /WEFT_SIGNUP: expected open, invite or closed, got 'everyone'/,
    )
  })
})
