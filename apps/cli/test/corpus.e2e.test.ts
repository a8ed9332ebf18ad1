/**
 * `weft validate --json` over the pipeline_ex corpus must agree with what pipeline_ex itself
 * decided for every file (MANIFEST.tsv, column valid_per_pipeline_ex). The corpus lives outside
 * the repo and is never copied in; without it the suite is skipped.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import { assertBuilt, weft } from './weft.js'

const dir = fileURLToPath(new URL('../../../../shared/corpus/pipeline_ex/', import.meta.url))
const present = existsSync(dir)
if (!present) console.warn(`corpus test skipped: ${dir} is absent`)

type Verdict = 'yes' | 'no' | 'unsure'

function manifest(): Map<string, Verdict> {
  const [header, ...rows] = readFileSync(`${dir}MANIFEST.tsv`, 'utf8').trimEnd().split('\n')
  const columns = header!.split('\t')
  const fileCol = columns.indexOf('file')
  const validCol = columns.indexOf('valid_per_pipeline_ex')
  const out = new Map<string, Verdict>()
  for (const row of rows) {
    const cells = row.split('\t')
    const verdict = cells[validCol]
    if (verdict !== 'yes' && verdict !== 'no' && verdict !== 'unsure') {
      throw new Error(`MANIFEST.tsv: unexpected verdict '${verdict}' for ${cells[fileCol]}`)
    }
    out.set(cells[fileCol]!, verdict)
  }
  return out
}

function validateAll(files: readonly string[], ...flags: string[]): Map<string, boolean> {
  const r = weft(dir, 'validate', '--json', ...flags, ...files)
  expect(r.stderr).not.toContain('    at ')
  expect([0, 1]).toContain(r.status)
  const reports = JSON.parse(r.stdout) as { file: string; valid: boolean }[]
  return new Map(reports.map((x) => [x.file, x.valid]))
}

function compare(
  label: string,
  expected: Map<string, Verdict>,
  actual: Map<string, boolean>,
  unsure: boolean,
) {
  const mismatches: string[] = []
  const counts = { yes: 0, no: 0, unsure: 0, matched: 0 }
  for (const [file, verdict] of expected) {
    counts[verdict]++
    const want = verdict === 'yes' || (verdict === 'unsure' && unsure)
    const got = actual.get(file)
    if (got === want) counts.matched++
    else mismatches.push(`${file}: pipeline_ex says ${verdict}, weft says valid=${String(got)}`)
  }
  console.log(
    `corpus ${label}: ${counts.matched}/${expected.size} match ` +
      `(yes ${counts.yes}, no ${counts.no}, unsure ${counts.unsure})`,
  )
  return mismatches
}

describe.skipIf(!present)('weft validate over the pipeline_ex corpus', () => {
  let expected = new Map<string, Verdict>()
  let files: string[] = []
  beforeAll(() => {
    assertBuilt()
    expected = manifest()
    files = readdirSync(dir)
      .filter((f) => f.endsWith('.yaml'))
      .sort()
  })

  it('lists every corpus file in the manifest', () => {
    expect(files).toHaveLength(108)
    expect([...expected.keys()].sort()).toEqual(files)
  })

  it('agrees with pipeline_ex on every file (unsure counts as invalid)', () => {
    expect(compare('default', expected, validateAll(files), false)).toEqual([])
  })

  it('with --test-env, accepts the files valid only in Mix.env() == :test', () => {
    expect(compare('--test-env', expected, validateAll(files, '--test-env'), true)).toEqual([])
  })
})
