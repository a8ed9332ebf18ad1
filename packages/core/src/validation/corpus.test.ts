import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { validateYaml } from './validate.js'

const dir = fileURLToPath(new URL('../../../../../shared/corpus/pipeline_ex/', import.meta.url))
const present = existsSync(dir)
if (!present)
  console.warn(
    `corpus test skipped: ${dir} not found (only the Weft workspace has the pipeline_ex corpus)`,
  )

describe.skipIf(!present)('corpus: verdict equals pipeline_ex on every file (MANIFEST.tsv)', () => {
  it('matches valid_per_pipeline_ex on all files', () => {
    const lines = readFileSync(`${dir}MANIFEST.tsv`, 'utf8').trim().split('\n')
    const header = lines[0]!.split('\t')
    const fileCol = header.indexOf('file')
    const verdictCol = header.indexOf('valid_per_pipeline_ex')
    const rows = lines.slice(1).map((l) => l.split('\t'))
    const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f))
    expect(rows.length).toBe(files.length)
    const mismatches: string[] = []
    let valid = 0
    let validTest = 0
    let matches = 0
    const codes = new Map<string, number>()
    for (const row of rows) {
      const file = row[fileCol]!
      const verdict = row[verdictCol]!
      const text = readFileSync(`${dir}${file}`, 'utf8')
      const prod = validateYaml(text)
      const test = validateYaml(text, { testEnv: true })
      if (prod.valid) valid++
      if (test.valid) validTest++
      for (const d of prod.diagnostics) codes.set(d.code, (codes.get(d.code) ?? 0) + 1)
      const expected =
        verdict === 'yes' ? [true, true] : verdict === 'no' ? [false, false] : [false, true]
      if (prod.valid === expected[0] && test.valid === expected[1]) matches++
      else
        mismatches.push(
          `${file}: expected ${verdict}, got prod=${prod.valid} test=${test.valid}: ${prod.diagnostics
            .filter((d) => d.severity === 'error')
            .map((d) => `${d.code}@${d.line}:${d.column}`)
            .join(' ')}`,
        )
    }
    console.log(
      `corpus: ${rows.length} files, ${valid} valid (${validTest} with testEnv), ${rows.length - valid} invalid, verdict matches pipeline_ex on ${matches}/${rows.length}`,
    )
    console.log(
      `corpus diagnostics by code: ${[...codes]
        .sort((a, b) => b[1] - a[1])
        .map(([c, n]) => `${c}=${n}`)
        .join(' ')}`,
    )
    expect(mismatches).toEqual([])
  })
})
