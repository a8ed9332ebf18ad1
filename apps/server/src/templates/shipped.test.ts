/**
 * Every template shipped in `apps/server/templates` is a pipeline pipeline_ex loads (no error
 * from `validateYaml`), has a title and a one-line description, and explains in a comment every
 * warning it cannot avoid (by naming the warning's code).
 */
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { validateYaml } from '@weft/core'
import { describe, expect, it } from 'vitest'
import { silentLogger } from '../logging/index.js'
import { loadShippedTemplates } from './shipped.js'
import { summarizeTemplate } from './summary.js'

const dir = fileURLToPath(new URL('../../templates', import.meta.url))
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .sort()

describe('shipped templates', () => {
  it('are five or more', () => {
    expect(files.length).toBeGreaterThanOrEqual(5)
  })

  for (const file of files) {
    describe(file, () => {
      const text = readFileSync(`${dir}/${file}`, 'utf8')

      it('loads in pipeline_ex, and every warning is explained in a comment', () => {
        const { diagnostics } = validateYaml(text)
        const errors = diagnostics.filter((d) => d.severity === 'error')
        expect(errors, JSON.stringify(errors, null, 2)).toEqual([])
        const comments = text
          .split('\n')
          .filter((line) => line.trimStart().startsWith('#'))
          .join('\n')
        for (const warning of diagnostics.filter((d) => d.severity === 'warning')) {
          expect(comments, `${file}:${warning.line} ${warning.message}`).toContain(warning.code)
        }
      })

      it('has a title, a one-line description and steps', () => {
        const summary = summarizeTemplate(text)
        expect(summary.name.length).toBeGreaterThan(3)
        expect(summary.description.length).toBeGreaterThan(10)
        expect(summary.description).not.toContain('\n')
        expect(summary.stepCount).toBeGreaterThan(0)
        expect(summary.stepTypes.length).toBeGreaterThan(0)
      })

      it('starts with a comment that says what it is for', () => {
        expect(text.startsWith('# ')).toBe(true)
      })
    })
  }
})

describe('loadShippedTemplates', () => {
  it('loads every file, ids from file names, bytes unchanged', async () => {
    const loaded = await loadShippedTemplates(dir, silentLogger)
    expect(loaded.map((t) => t.id)).toEqual(files.map((f) => `weft.${f.replace(/\.yaml$/, '')}`))
    for (const t of loaded) {
      expect(t.yaml).toBe(readFileSync(`${dir}/${t.id.slice('weft.'.length)}.yaml`, 'utf8'))
    }
  })

  it('counts nested steps and lists their types once, in document order', () => {
    const summary = summarizeTemplate(`workflow:
  name: n
  description: d
  steps:
    - name: a
      type: claude
      prompt: [{type: static, content: x}]
    - name: loop
      type: for_loop
      iterator: x
      data_source: a:items
      steps:
        - name: b
          type: gemini
          prompt: [{type: static, content: y}]
        - name: c
          type: claude
          prompt: [{type: static, content: z}]
`)
    expect(summary).toEqual({
      name: 'n',
      description: 'd',
      stepCount: 4,
      stepTypes: ['claude', 'for_loop', 'gemini'],
    })
  })

  it('skips a file pipeline_ex would refuse, and a missing directory gives none', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs')
    const { tmpdir } = await import('node:os')
    const tmp = mkdtempSync(`${tmpdir()}/weft-templates-`)
    writeFileSync(`${tmp}/good.yaml`, readFileSync(`${dir}/${files[0]}`, 'utf8'))
    writeFileSync(`${tmp}/bad.yaml`, 'workflow:\n  name: bad\n  steps: []\n')
    writeFileSync(`${tmp}/notes.txt`, 'not a template')
    const loaded = await loadShippedTemplates(tmp, silentLogger)
    expect(loaded.map((t) => t.id)).toEqual(['weft.good'])
    expect(await loadShippedTemplates(`${tmp}/missing`, silentLogger)).toEqual([])
  })
})
