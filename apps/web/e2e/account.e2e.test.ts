/**
 * The Account page through the real UI: an API token is created with a name, shown once, works
 * against the API, is listed without its secret and stops working when revoked; changing the
 * password signs out the other browser and keeps this one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiUser } from './harness/api.js'
import { signIn } from './harness/app.js'
import { openDevice } from './harness/browser.js'
import type { Device } from './harness/browser.js'
import { admin, startServer } from './harness/server.js'
import type { TestServer } from './harness/server.js'

let server: TestServer
let here: Device
let elsewhere: Device
const bea = { email: 'bea@example.com', password: 'bea password 1' }

beforeAll(async () => {
  server = await startServer()
  const ada = await ApiUser.login(server.url, admin.email, admin.password)
  await ada.json('POST', '/api/users', bea)
  here = await openDevice()
  elsewhere = await openDevice()
  await signIn(here, server, bea.email, bea.password)
  await signIn(elsewhere, server, bea.email, bea.password)
})

afterAll(async () => {
  await here?.dispose()
  await elsewhere?.dispose()
  await server?.dispose()
})

const me = (token: string) =>
  fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${token}` } })

describe('account page', () => {
  it('creates an API token shown once, lists it without the secret, revokes it', async () => {
    const p = here.page
    await p.goto(`${server.url}/#/`)
    await p.getByRole('link', { name: bea.email }).click()
    const tokens = p.getByRole('region', { name: 'API tokens' })
    await tokens.getByLabel('Name').fill('laptop cli')
    await tokens.getByLabel(/^Expires after/).fill('30')
    await tokens.getByRole('button', { name: 'Create token' }).click()
    const token = await p.getByRole('textbox', { name: 'New token' }).inputValue()
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect((await (await me(token)).json()) as unknown).toMatchObject({ email: bea.email })
    const row = tokens.getByRole('row', { name: /laptop cli/ })
    await row.waitFor()

    await p.reload()
    // The list is fetched after the page renders: read it once it is there.
    const region = p.getByRole('region', { name: 'API tokens' })
    await region.getByRole('row', { name: /laptop cli/ }).waitFor()
    const listed = await region.innerText()
    expect(listed).toContain('laptop cli')
    expect(listed).not.toContain(token)

    await p
      .getByRole('region', { name: 'API tokens' })
      .getByRole('row', { name: /laptop cli/ })
      .getByRole('button', { name: 'Revoke' })
      .click()
    await expect.poll(async () => (await me(token)).status).toBe(401)
    await expect
      .poll(() => p.getByRole('region', { name: 'API tokens' }).innerText())
      .not.toContain('laptop cli')
  })

  it('changes the password, signing out the other browser only', async () => {
    const p = here.page
    await p.goto(`${server.url}/#/account`)
    const form = p.getByRole('region', { name: 'Change password' })
    await form.getByLabel('Current password').fill(bea.password)
    await form.getByLabel(/^New password/).fill('bea password 2')
    await form.getByRole('button', { name: 'Change password' }).click()
    await form.getByRole('status').filter({ hasText: 'Changed' }).waitFor()
    const status = async (d: Device) =>
      (await d.context.request.get(`${server.url}/api/me`)).status()
    expect(await status(here)).toBe(200)
    expect(await status(elsewhere)).toBe(401)
    await ApiUser.login(server.url, bea.email, 'bea password 2')

    await form.getByLabel('Current password').fill('not it')
    await form.getByLabel(/^New password/).fill('bea password 3')
    await form.getByRole('button', { name: 'Change password' }).click()
    await expect
      .poll(() => form.getByRole('alert').innerText())
      .toMatch(/current password is wrong/)
  })
})
