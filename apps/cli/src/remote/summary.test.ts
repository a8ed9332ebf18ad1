import type { Diagnostic } from '@weft/core'
import { describe, expect, it } from 'vitest'
import { workspace } from '../testing/workspace.js'
import { bar, progress } from './progress.js'
import { firstProblem, formatImportSummary, type ImportOutcome } from './summary.js'

const d = (
  line: number,
  column: number,
  code: string,
  severity: Diagnostic['severity'] = 'error',
): Diagnostic => ({ code, severity, message: `${code} here`, path: [], line, column })

const outcomes: ImportOutcome[] = [
  { file: 'd/z.yaml', status: 'imported', id: 'p3', diagnostics: [d(2, 1, 'LINT_X', 'warning')] },
  {
    file: 'd/b.yaml',
    status: 'imported',
    id: 'p2',
    diagnostics: [d(9, 3, 'LINT_Y', 'warning'), d(7, 5, 'LOADER_B'), d(4, 1, 'LINT_Z', 'info')],
  },
  {
    file: 'd/a.yaml',
    status: 'refused',
    reason: { code: 'YAML_SYNTAX', message: 'bad\n  indent', line: 3, column: 7 },
  },
  { file: 'd/c.yml', status: 'refused', reason: { code: 'CLI_NOT_TEXT', message: 'binary' } },
  { file: 'd/e.yaml', status: 'failed', reason: { code: 'INTERNAL', message: 'boom' } },
]

describe('import summary', () => {
  it('lists refused, failed and flagged files sorted, each with its first problem, then the counts', () => {
    expect(formatImportSummary(outcomes, 5)).toBe(
      [
        'Refused (2), nothing was created for these:',
        '  d/a.yaml:3:7 YAML_SYNTAX bad indent',
        '  d/c.yml CLI_NOT_TEXT binary',
        'Failed (1), the server could not take these; try them again:',
        '  d/e.yaml INTERNAL boom',
        'Imported with errors flagged (1), pipeline_ex would reject these; Weft keeps them:',
        '  d/b.yaml:7:5 LOADER_B LOADER_B here',
        '2 files imported (1 with errors flagged), 2 refused, 1 failed, of 5',
        '',
      ].join('\n'),
    )
  })

  it('is one line when everything went in, and counts files never attempted', () => {
    const ok = outcomes.slice(0, 1)
    expect(formatImportSummary(ok, 1)).toBe(
      '1 file imported (0 with errors flagged), 0 refused, of 1\n',
    )
    expect(formatImportSummary(ok, 4)).toBe(
      '1 file imported (0 with errors flagged), 0 refused, 3 not attempted, of 4\n',
    )
  })

  it('firstProblem is the first error by position, else the first diagnostic', () => {
    expect(firstProblem([d(9, 1, 'A'), d(3, 2, 'W', 'warning'), d(5, 1, 'B')])?.code).toBe('B')
    expect(firstProblem([d(9, 1, 'W2', 'warning'), d(3, 2, 'W1', 'warning')])?.code).toBe('W1')
    expect(firstProblem([])).toBeUndefined()
  })
})

describe('import progress', () => {
  it('prints one [n/total] line per file when stderr is not a terminal', () => {
    const w = workspace()
    const p = progress(w.io, 2)
    p.step('a.yaml', 'imported')
    p.step('b.yaml', 'refused')
    p.finish()
    expect(w.out.stderr).toBe('[1/2] a.yaml imported\n[2/2] b.yaml refused\n')
  })

  it('redraws one bar in place on a terminal and clears it at the end', () => {
    const w = workspace({ stderrIsTTY: true })
    const p = progress(w.io, 4)
    p.step('a.yaml', 'imported')
    p.step('b.yaml', 'imported')
    p.finish()
    expect(w.out.stderr).not.toContain('\n')
    expect(w.out.stderr).toContain(`\r\x1b[K${bar(2, 4)} 2/4 b.yaml`)
    expect(w.out.stderr.endsWith('\r\x1b[K')).toBe(true)
    expect(bar(1, 4)).toBe(`[${'#'.repeat(6)}${'.'.repeat(18)}]`)
    expect(bar(4, 4)).toBe(`[${'#'.repeat(24)}]`)
  })
})
