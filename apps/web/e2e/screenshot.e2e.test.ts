/**
 * The README's screenshot, taken from the real app: one code-review pipeline open in two browsers,
 * signed in as two people. Bob has selected a step and his pointer is on the canvas; Ada's browser
 * shows both avatars, Bob's cursor with his name and his selection. The test checks all of that
 * before it saves docs/images/editor-two-users.png.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { users } from './harness/api.js'
import { openDevice } from './harness/browser.js'
import type { Device } from './harness/browser.js'
import {
  avatars,
  expectStatus,
  openPipeline,
  pageState,
  runCommand,
  signIn,
  until,
} from './harness/app.js'
import { repoRoot } from './harness/paths.js'
import { admin as adminAccount, startServer } from './harness/server.js'
import type { TestServer } from './harness/server.js'

/** A realistic pipeline: review a pull request file by file (8 steps, one of them a loop). */
const codeReview = `# Review a pull request: read the diff, review each file, then summarise.
workflow:
  name: code_review
  description: Review a pull request file by file and write the summary comment
  steps:
    - name: fetch_diff
      type: claude
      claude_options:
        allowed_tools: [Bash, Read]
      prompt:
        - type: static
          content: Run git diff main...HEAD and list the changed files with their hunks.
    - name: plan_review
      type: gemini
      model: gemini-2.5-flash
      prompt:
        - type: static
          content: Group these changes by risk and say what to look at first.
        - type: previous_response
          step: fetch_diff
    - name: review_files
      type: for_loop
      iterator: file
      data_source: fetch_diff:files
      steps:
        - name: review_file
          type: claude
          claude_options:
            allowed_tools: [Read, Grep]
          prompt:
            - type: static
              content: "Review this file for bugs, missing tests and unclear names:"
            - type: previous_response
              step: loop
              extract: file.path
        - name: suggest_fixes
          type: claude
          prompt:
            - type: static
              content: Suggest a minimal patch for each problem found.
            - type: previous_response
              step: review_file
    - name: check_tests
      type: claude_smart
      preset: analysis
      prompt:
        - type: static
          content: "Which of the changes have no test? Diff:"
        - type: previous_response
          step: fetch_diff
    - name: security_pass
      type: gemini
      model: gemini-2.5-pro
      prompt:
        - type: static
          content: Look for injection, secrets and unsafe deserialisation in the diff.
        - type: previous_response
          step: fetch_diff
    - name: summary
      type: claude
      prompt:
        - type: static
          content: |
            Write the review comment: blocking problems first, then suggestions.
            Quote file:line for each point.
        - type: previous_response
          step: review_files
        - type: previous_response
          step: check_tests
        - type: previous_response
          step: security_pass
`

const viewport = { width: 1440, height: 900 }
const image = join(repoRoot, 'docs/images/editor-two-users.png')

let server: TestServer
let ada: Device
let bob: Device

let id: string
let bobPassword: string

beforeAll(async () => {
  server = await startServer()
  const { admin, password } = await users(server, ['bob@example.com'])
  id = await admin.createPipeline(codeReview)
  await admin.share(id, 'bob@example.com', 'editor')
  bobPassword = password('bob@example.com')
})

/**
 * Both browsers, fresh, in the test itself rather than in beforeAll: a retry (decision 0015) then
 * starts from new browsers instead of the pages a failed try left behind.
 */
async function openBoth(): Promise<void> {
  await Promise.all([ada?.dispose(), bob?.dispose()])
  ada = await openDevice({ viewport })
  bob = await openDevice({ viewport })
  for (const d of [ada, bob]) await d.page.emulateMedia({ colorScheme: 'light' })
  await signIn(ada, server, adminAccount.email, adminAccount.password)
  await signIn(bob, server, 'bob@example.com', bobPassword)
  await openPipeline(ada.page, server, id)
  await openPipeline(bob.page, server, id)
}

afterAll(async () => {
  await ada?.dispose()
  await bob?.dispose()
  await server?.dispose()
})

describe('README screenshot', () => {
  it('shows two people in one pipeline, and saves docs/images/editor-two-users.png', async () => {
    await openBoth()
    const node = (name: string) => `[data-testid="step-node-${name}"]`
    for (const d of [ada, bob]) {
      await d.page
        .locator(node('summary'))
        .waitFor()
        .catch(async (error: unknown) => {
          throw new Error(
            `${d === ada ? 'Ada' : 'Bob'}'s canvas never showed the pipeline: ${String(error)}\n` +
              `page: ${await pageState(d.page)}\nerrors: ${JSON.stringify(d.errors)}`,
          )
        })
      await expectStatus(d.page, 'saved')
      // More room for the pipeline: the step library closed, the canvas fitted to it.
      await runCommand(d.page, 'view.toggleLibrary', 'step library')
      await d.page.locator('[data-testid="step-library"]').waitFor({ state: 'detached' })
      await runCommand(d.page, 'view.zoomToFit', 'zoom to fit')
      await d.page.waitForTimeout(300)
    }
    await expect.poll(() => avatars(ada.page), { timeout: 20_000 }).toEqual(['ada', 'bob'])
    await expect.poll(() => avatars(bob.page), { timeout: 20_000 }).toEqual(['ada', 'bob'])

    // Ada works on the security pass; Bob selects the loop's review step and points beside it.
    await ada.page.locator(node('security_pass')).click()
    await bob.page.locator(node('review_file')).click()
    const box = (await bob.page.locator(node('review_file')).boundingBox())!
    for (let i = 1; i <= 6; i++) {
      await bob.page.mouse.move(box.x + box.width + 20 * i, box.y + box.height + 6 * i)
      await bob.page.waitForTimeout(60)
    }

    // What Ada sees: both avatars, Bob's cursor with his name, his selection on the node.
    const cursor = ada.page.locator('[data-testid="remote-cursor-bob"]')
    await cursor.waitFor({ state: 'visible', timeout: 20_000 })
    await expect(cursor.innerText()).resolves.toContain('bob')
    const remote = ada.page.locator(`${node('review_file')}.is-remote`)
    await remote.waitFor({ timeout: 20_000 })
    await expect(remote.locator('.weft-node__remote').innerText()).resolves.toContain('bob')
    await expect(
      ada.page.locator(node('security_pass')).getAttribute('data-selected'),
    ).resolves.toBe('true')
    await expect(avatars(ada.page)).resolves.toEqual(['ada', 'bob'])
    await expect(ada.page.locator('.avatar[aria-label="ada (you)"]').count()).resolves.toBe(1)
    await expect(
      ada.page.evaluate(() => document.documentElement.dataset.theme ?? 'light'),
    ).resolves.toBe('light')
    // The cursor is inside the visible canvas, not off screen.
    const c = (await cursor.boundingBox())!
    const pane = (await ada.page.locator('[data-testid="canvas"]').boundingBox())!
    expect(c.x).toBeGreaterThanOrEqual(pane.x)
    expect(c.x + 10).toBeLessThanOrEqual(pane.x + pane.width)
    expect(c.y).toBeGreaterThanOrEqual(pane.y)
    expect(c.y + 10).toBeLessThanOrEqual(pane.y + pane.height)

    await until(() => ada.page.evaluate(() => document.fonts.status), 'loaded', 'fonts loaded')
    mkdirSync(join(repoRoot, 'docs/images'), { recursive: true })
    await ada.page.screenshot({ path: image, animations: 'disabled' })
  })

  it('logged no page errors', () => {
    expect([...ada.errors, ...bob.errors].filter((e) => e.startsWith('pageerror'))).toEqual([])
  })
})
