/**
 * Joining a team server through the real UI: the admin creates an invite on the Admin page and
 * copies its link; a newcomer in another browser opens it, signs up, and lands on the pipelines
 * page signed in as themself, with the code gone from the address bar. The same link then no
 * longer works, and without a link the sign-up page says sign-up is by invitation. On a fresh
 * install, the setup link from the log makes the first admin, once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signIn } from './harness/app.js'
import { openDevice } from './harness/browser.js'
import type { Device } from './harness/browser.js'
import { admin, startServer } from './harness/server.js'
import type { TestServer } from './harness/server.js'

let server: TestServer
let ada: Device
let newcomer: Device

beforeAll(async () => {
  server = await startServer()
  ada = await openDevice()
  newcomer = await openDevice()
  await signIn(ada, server, admin.email, admin.password)
})

afterAll(async () => {
  await ada?.dispose()
  await newcomer?.dispose()
  await server?.dispose()
})

describe('sign-up', () => {
  it('by an invite link from the Admin page, landing on the pipelines page', async () => {
    const page = ada.page
    await page.goto(`${server.url}/#/`)
    await page.getByRole('link', { name: 'Admin' }).click()
    const invite = page.getByRole('region', { name: 'Invite someone' })
    await invite.getByLabel(/^Email/).fill('nia@example.com')
    await invite.getByRole('button', { name: 'Create invite link' }).click()
    const link = await page.getByRole('textbox', { name: 'Invite link' }).inputValue()
    expect(link).toMatch(new RegExp(`^${server.url}/join#[A-Za-z0-9_-]{43}$`))
    await expect
      .poll(() => page.getByRole('region', { name: 'Pending invites' }).innerText())
      .toContain('nia@example.com')

    const p = newcomer.page
    await p.goto(link)
    const form = p.getByRole('form', { name: 'Sign up' })
    await form.getByText('You were invited').waitFor()
    await form.getByLabel(/^Name/).fill('Nia')
    await form.getByLabel(/^Email/).fill('nia@example.com')
    await form.getByLabel(/^Password/).fill('nia password')
    await form.getByRole('button', { name: 'Create account' }).click()
    await p.getByRole('heading', { name: 'Pipelines' }).waitFor({ timeout: 30_000 })
    expect(new URL(p.url()).pathname).toBe('/')
    expect(p.url()).not.toContain(link.slice(link.indexOf('#') + 1))
    await p.getByRole('link', { name: 'nia@example.com' }).waitFor()
    const me = await newcomer.context.request.get(`${server.url}/api/me`)
    expect(await me.json()).toMatchObject({ email: 'nia@example.com', isAdmin: false })

    // The admin sees the new user, and the invite is no longer pending.
    await page.reload()
    await expect
      .poll(() => page.getByRole('region', { name: 'Users' }).innerText())
      .toContain('Nia')
    await expect
      .poll(() => page.getByRole('region', { name: 'Pending invites' }).innerText())
      .toContain('No pending invites')

    // The link was spent.
    const other = await openDevice()
    try {
      await other.page.goto(link)
      const again = other.page.getByRole('form', { name: 'Sign up' })
      await again.getByLabel(/^Email/).fill('nia@example.com')
      await again.getByLabel(/^Password/).fill('another password')
      await again.getByRole('button', { name: 'Create account' }).click()
      await expect
        .poll(() => again.getByRole('alert').innerText())
        .toMatch(/invite was used, revoked, has expired/)
    } finally {
      await other.dispose()
    }
  })

  it('without an invite, says sign-up is by invitation', async () => {
    const other = await openDevice()
    try {
      await other.page.goto(`${server.url}/#/sign-in`)
      await other.page.getByRole('link', { name: 'Sign up' }).click()
      await other.page.getByRole('heading', { name: 'Sign-up is by invitation' }).waitFor()
      // And the API agrees: no account without a code.
      const res = await other.context.request.post(`${server.url}/api/auth/signup`, {
        data: { email: 'zed@example.com', password: 'long enough' },
      })
      expect(res.status()).toBe(403)
    } finally {
      await other.dispose()
    }
  })
})

describe('the setup link of a fresh install', () => {
  it('creates the first admin, who lands on the pipelines page; the link then says it is done', async () => {
    const fresh = await startServer({
      env: { WEFT_ADMIN_EMAIL: undefined, WEFT_ADMIN_PASSWORD: undefined },
    })
    const device = await openDevice()
    try {
      const line = fresh.log.find((l) => l.includes('/setup#'))
      expect(line, fresh.log.join('\n')).toBeDefined()
      const link = (JSON.parse(line!) as { url: string }).url
      expect(link).toMatch(new RegExp(`^${fresh.url}/setup#[A-Za-z0-9_-]{43}$`))

      const p = device.page
      await p.goto(link)
      const form = p.getByRole('form', { name: 'Set up Weft' })
      await form.getByLabel(/^Email/).fill('root@example.com')
      await form.getByLabel(/^Password/).fill('root password')
      await form.getByRole('button', { name: 'Create admin' }).click()
      await p.getByRole('heading', { name: 'Pipelines' }).waitFor({ timeout: 30_000 })
      expect(new URL(p.url()).pathname).toBe('/')
      await p.getByRole('link', { name: 'Admin' }).waitFor()
      const me = await device.context.request.get(`${fresh.url}/api/me`)
      expect(await me.json()).toMatchObject({ email: 'root@example.com', isAdmin: true })

      const other = await openDevice()
      try {
        await other.page.goto(link)
        await other.page.getByRole('heading', { name: 'Weft is set up' }).waitFor()
      } finally {
        await other.dispose()
      }
    } finally {
      await device.dispose()
      await fresh.dispose()
    }
  })
})
