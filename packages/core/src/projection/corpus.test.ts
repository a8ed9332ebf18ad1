/**
 * Fidelity over the real corpus (../shared/corpus/pipeline_ex, absent from users' clones): import
 * then export keeps the data, keeps every comment beside the same line, and gives back an
 * untouched file byte for byte; an edit of one step changes no line outside that step.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { readYaml } from '../yaml/read.js'
import { exportYaml } from './export.js'
import { importYaml } from './import.js'
import { setStepField } from './ops.js'
import { readPipeline } from './read.js'

const dir = fileURLToPath(new URL('../../../../../shared/corpus/pipeline_ex/', import.meta.url))
const present = existsSync(dir)
if (!present)
  console.warn(
    `corpus fidelity: skipped, ${dir} is absent (it ships beside the project, not in it)`,
  )
const files = present
  ? readdirSync(dir)
      .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
      .sort()
  : []

/** Each comment line with the next line that is not a comment or blank: what it sits next to. */
function commentAnchors(text: string): string[] {
  const lines = text.split('\n')
  const out: string[] = []
  lines.forEach((l, i) => {
    if (!l.includes('#')) return
    let j = i + 1
    while (j < lines.length && (lines[j]!.trim() === '' || lines[j]!.trim().startsWith('#'))) j++
    out.push(`${l}\n→ ${lines[j] ?? ''}`)
  })
  return out
}

describe.skipIf(!present)('corpus fidelity', () => {
  it('import → export keeps data, comments and bytes for every readable file', () => {
    let readable = 0
    let identicalData = 0
    let identicalBytes = 0
    let commentsKept = 0
    const unreadable: string[] = []
    for (const f of files) {
      const text = readFileSync(dir + f, 'utf8')
      const doc = new Y.Doc()
      if (!importYaml(doc, text).ok) {
        unreadable.push(f)
        continue
      }
      readable++
      const out = exportYaml(doc)
      if (JSON.stringify(readYaml(out).value) === JSON.stringify(readYaml(text).value))
        identicalData++
      else expect.fail(`${f}: data changed`)
      if (out === text) identicalBytes++
      else expect.fail(`${f}: bytes changed`)
      if (commentAnchors(out).join('\n') === commentAnchors(text).join('\n')) commentsKept++
    }
    console.log(
      `corpus fidelity: ${files.length} files; ${readable} readable (${unreadable.length} refused as unparseable, as pipeline_ex refuses them: ${unreadable.join(', ')}); data identical ${identicalData}/${readable}; comments kept ${commentsKept}/${readable}; byte-identical ${identicalBytes}/${readable}`,
    )
    expect(files.length).toBe(108)
    expect(readable).toBe(files.length - unreadable.length)
    expect(identicalBytes).toBe(readable)
    expect(commentsKept).toBe(readable)
  })

  it('an edit of one step leaves every line outside that step, and every comment, in place', () => {
    let edited = 0
    for (const f of files) {
      const text = readFileSync(dir + f, 'utf8')
      const doc = new Y.Doc()
      if (!importYaml(doc, text).ok) continue
      const view = readPipeline(doc)
      const top = view.steps.filter((s) => s.parentId === '')
      if (top.length < 2) continue
      const target = top[Math.floor(top.length / 2)]!
      const before = exportYaml(doc)
      setStepField(doc, target.id, ['model'], 'weft-test-model')
      const after = exportYaml(doc)
      expect(readYaml(after).value, f).toEqual(readPipeline(doc).value)
      // Locate the step's line span in the old text; every other line must be unchanged.
      const src = readYaml(before)
      const start = src.locate([...target.path, 'name']).line
      const next = top[top.indexOf(target) + 1]
      const endLine = next ? src.locate([...next.path, 'name']).line - 1 : before.split('\n').length
      const b = before.split('\n')
      const a = after.split('\n')
      const added = a.length - b.length
      expect(a.slice(0, start - 1), `${f}: lines before the step`).toEqual(b.slice(0, start - 1))
      expect(a.slice(endLine + added), `${f}: lines after the step`).toEqual(b.slice(endLine))
      // Inside the edited step a comment's own line may change (its value did); the comment stays.
      for (const l of b.filter((x) => x.includes('#'))) {
        expect(after, `${f}: comment lost`).toContain(l.slice(l.indexOf('#')))
      }
      edited++
    }
    console.log(
      `corpus edit locality: ${edited} files with 2+ steps edited in one step; all lines outside it unchanged`,
    )
    expect(edited).toBeGreaterThan(50)
  })
})
