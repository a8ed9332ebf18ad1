import { diffLines, formatUnifiedDiff } from '@weft/core'
import { cleanup, render, screen } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import type { VersionDiff } from '../api/client.js'
import { DiffView, versionTitle, whenText } from './history-panel.js'

afterEach(cleanup)

function diffOf(before: string, after: string): VersionDiff {
  const result = diffLines(before, after)
  return {
    from: { id: 'a', number: 1 },
    to: 'now',
    added: result.added,
    removed: result.removed,
    hunks: result.hunks,
    unified: formatUnifiedDiff(result, { from: 'a', to: 'b' }),
  }
}

describe('DiffView', () => {
  it('shows removed and added lines as text, with both line numbers and the hunk header', () => {
    const before = 'workflow:\n  name: a\n  steps: []\n'
    const after = 'workflow:\n  name: "<img src=x onerror=alert(1)>"\n  steps: []\n'
    const { container } = render(<DiffView diff={diffOf(before, after)} />)
    const rows = [...container.querySelectorAll('tr[data-kind]')].map((tr) => [
      tr.getAttribute('data-kind'),
      ...[...tr.querySelectorAll('td')].map((td) => td.textContent),
    ])
    expect(rows).toEqual([
      ['context', '1', '1', ' workflow:'],
      ['remove', '2', '', '−  name: a'],
      ['add', '', '2', '+  name: "<img src=x onerror=alert(1)>"'],
      ['context', '3', '3', '   steps: []'],
    ])
    expect(container.querySelector('img')).toBeNull()
    expect(screen.getByText('@@ -1,3 +1,3 @@')).toBeTruthy()
    expect(screen.getByText('+1')).toBeTruthy()
    expect(screen.getByText('−1')).toBeTruthy()
  })

  it('says so when there is nothing to show', () => {
    render(<DiffView diff={diffOf('a\n', 'a\n')} />)
    expect(screen.getByTestId('version-diff').textContent).toBe('No differences.')
  })
})

describe('labels', () => {
  it('calls a version by its name, or its number', () => {
    expect(versionTitle({ name: 'Before launch', number: 4, kind: 'named' })).toBe('Before launch')
    expect(versionTitle({ name: null, number: 4, kind: 'auto' })).toBe('Version 4')
  })

  it('says how long ago within the hour, and the date after', () => {
    const now = Date.parse('2030-01-01T12:00:00Z')
    expect(whenText('2030-01-01T11:59:30Z', now)).toBe('just now')
    expect(whenText('2030-01-01T11:50:00Z', now)).toBe('10 min ago')
    expect(whenText('2029-12-30T12:00:00Z', now)).toMatch(/2029/)
  })
})
