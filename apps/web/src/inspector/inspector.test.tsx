import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react'
import { acceptedStepTypes, exportYaml, getStepText, readPipeline, setStepField } from '@weft/core'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { testSession } from '../editor/test-session'
import { Inspector } from './inspector'
import { getIn as at } from './writer'

afterEach(cleanup)

const yaml = `workflow:
  name: demo
  description: A demo pipeline
  steps:
    # the question
    - name: ask
      type: claude
      mystery_key: keep me
      claude_options:
        max_turns: 3
      prompt:
        - type: static
          content: first
        - type: previous_response
          step: intro
    - name: vars
      type: set_variable
      scope: global
      variables:
        a: 1
    - name: loop
      type: for_loop
      iterator: item
      data_source: ask
      steps:
        - name: inner
          type: claude
          prompt:
            - type: static
              content: x
`

function mount(options: { readOnly?: boolean; step?: string | null } = {}) {
  const session = testSession(yaml, options)
  const view = readPipeline(session.doc)
  const idOf = (name: string) =>
    view.steps.find((s) => (at(view.value, s.path) as { name?: string }).name === name)!.id
  const onSelect = vi.fn()
  const step = options.step === undefined ? 'ask' : options.step
  const selection = step === null ? [] : [idOf(step)]
  const utils = render(<Inspector session={session} selection={selection} onSelect={onSelect} />)
  const field = (key: string) => screen.getByTestId(`field-${key}`)
  const control = (key: string) => {
    const f = field(key)
    return (f.matches('select') ? f : f.querySelector('input, textarea, select')) as
      | HTMLInputElement
      | HTMLTextAreaElement
      | HTMLSelectElement
  }
  return { session, idOf, onSelect, field, control, ...utils }
}

describe('Inspector', () => {
  it('draws every catalogue field of the step with a label tied to its control', () => {
    const { field, control } = mount()
    expect(screen.getByTestId('inspector')).toBeTruthy()
    for (const key of ['name', 'type', 'condition', 'prompt', 'claude_options', 'output_to_file'])
      expect(field(key)).toBeTruthy()
    const label = field('name').querySelector('label')!
    expect(label.getAttribute('for')).toBe(control('name').id)
    expect(label.getAttribute('title')).toMatch(/Names the step/)
    // The doc is the control's accessible description.
    const describedBy = control('name').getAttribute('aria-describedby')!.split(' ')
    expect(document.getElementById(describedBy[0]!)!.textContent).toMatch(/Names the step/)
    expect(field('claude_options.max_turns').dataset.control).toBe('number')
    expect(field('claude_options.verbose').dataset.control).toBe('boolean')
  })

  it('edits a field and the exported YAML changes, keeping comments', () => {
    const { session, control } = mount()
    fireEvent.change(control('output_to_file'), { target: { value: 'out.md' } })
    const out = exportYaml(session.doc)
    expect(out).toContain('output_to_file: out.md')
    expect(out).toContain('# the question')
    expect(session.undoManager.undoStack.length).toBe(1)
  })

  it('writes numbers as numbers and keeps what is not a number, flagged', () => {
    const { session, control, field } = mount()
    fireEvent.change(control('claude_options.max_turns'), { target: { value: '7' } })
    expect(exportYaml(session.doc)).toContain('max_turns: 7')
    fireEvent.change(control('claude_options.max_turns'), { target: { value: 'lots' } })
    expect(exportYaml(session.doc)).toContain('max_turns: lots')
    expect(field('claude_options.max_turns').dataset.severity).toBe('warning')
    expect(field('claude_options.max_turns').textContent).toMatch(/Expected a whole number/)
  })

  it('offers the catalogue values in an enum select', () => {
    const { control } = mount()
    const options = [...(control('type') as HTMLSelectElement).options].map((o) => o.value)
    expect(options.slice(1)).toEqual([...acceptedStepTypes])
    expect((control('type') as HTMLSelectElement).value).toBe('claude')
  })

  it('accepts an invalid value, shows it and flags it, never dropping it', () => {
    const { session, idOf, field, control } = mount()
    act(() => {
      setStepField(session.doc, idOf('ask'), ['claude_options', 'output_format'], 'xml', {
        origin: 'remote',
      })
    })
    const select = control('claude_options.output_format') as HTMLSelectElement
    expect(select.selectedOptions[0]!.textContent).toBe('xml (not allowed)')
    expect(select.getAttribute('aria-invalid')).toBe('true')
    expect(field('claude_options.output_format').textContent).toMatch(
      /"xml" is not one of: text, json, stream_json, stream-json/,
    )
    expect(exportYaml(session.doc)).toContain('output_format: xml')
    // Picking a listed value fixes it.
    fireEvent.change(select, { target: { value: 'json' } })
    expect(exportYaml(session.doc)).toContain('output_format: json')
    expect(field('claude_options.output_format').dataset.severity).toBeUndefined()
  })

  it("shows core's flag instead of its own when core already reports the value", () => {
    const { session, idOf, field } = mount({ step: 'vars' })
    act(() => {
      setStepField(session.doc, idOf('vars'), ['scope'], 'local', { origin: 'remote' })
    })
    const f = field('scope')
    expect(f.dataset.severity).toBe('warning')
    expect(f.querySelectorAll('.weft-diag')).toHaveLength(1)
    expect(f.textContent).toMatch(/silently uses `global`/)
  })

  it('shows core diagnostics beside the field they point at', () => {
    const { field } = mount()
    const ref = field('prompt.1.step')
    expect(ref.dataset.severity).toBe('error')
    expect(within(ref).getByText(/refers to step 'intro'/)).toBeTruthy()
    expect(field('name').dataset.severity).toBeUndefined()
  })

  it('keeps unknown keys and shows them as editable YAML', () => {
    const { session, field, control } = mount()
    expect(field('mystery_key').dataset.control).toBe('yaml')
    expect((control('mystery_key') as HTMLTextAreaElement).value).toBe('keep me')
    const area = control('mystery_key')
    fireEvent.focus(area)
    fireEvent.change(area, { target: { value: '[1, 2' } })
    fireEvent.blur(area)
    expect(within(field('mystery_key')).getByRole('alert').textContent).toMatch(/Line 1/)
    expect(exportYaml(session.doc)).toContain('mystery_key: keep me')
    fireEvent.focus(area)
    fireEvent.change(area, { target: { value: '[1, 2]' } })
    fireEvent.blur(area)
    expect(at(readPipeline(session.doc).value, ['workflow', 'steps', 0, 'mystery_key'])).toEqual([
      1, 2,
    ])
  })

  it('reorders, adds and removes prompt parts', () => {
    const { session, idOf } = mount()
    const parts = () =>
      (
        at(readPipeline(session.doc).value, ['workflow', 'steps', 0, 'prompt']) as {
          type: string
        }[]
      ).map((p) => p.type)
    fireEvent.click(screen.getByRole('button', { name: 'Move part 2 up' }))
    expect(parts()).toEqual(['previous_response', 'static'])
    expect(session.undoManager.undoStack.length).toBe(1)
    // The moved part keeps a live Y.Text for its content.
    expect(getStepText(session.doc, idOf('ask'), ['prompt', 1, 'content'])?.toString()).toBe(
      'first',
    )
    fireEvent.change(screen.getByLabelText('New part'), { target: { value: 'file' } })
    fireEvent.click(screen.getByRole('button', { name: 'Add part' }))
    expect(parts()).toEqual(['previous_response', 'static', 'file'])
    expect(screen.getByTestId('field-prompt.2.path')).toBeTruthy()
    fireEvent.click(screen.getByRole('button', { name: 'Remove part 1' }))
    expect(parts()).toEqual(['static', 'file'])
  })

  it('changes a prompt part type from the part catalogue', () => {
    const { session, control } = mount()
    const select = control('prompt.0.type') as HTMLSelectElement
    expect([...select.options].map((o) => o.value)).toEqual([
      'static',
      'file',
      'previous_response',
      'session_context',
      'claude_continue',
    ])
    fireEvent.change(select, { target: { value: 'file' } })
    expect(exportYaml(session.doc)).toMatch(/- type: file\n\s+content: first/)
  })

  it('binds text fields to the Y.Text, so remote typing keeps the local caret', () => {
    const { session, idOf, control } = mount()
    const area = control('prompt.0.content') as HTMLTextAreaElement
    area.focus()
    fireEvent.change(area, { target: { value: 'first!' } })
    const ytext = getStepText(session.doc, idOf('ask'), ['prompt', 0, 'content'])!
    expect(ytext.toString()).toBe('first!')
    area.setSelectionRange(3, 3)
    act(() => {
      session.doc.transact(() => ytext.insert(0, '>> '), 'remote')
    })
    expect(area.value).toBe('>> first!')
    expect(area.selectionStart).toBe(6)
  })

  it('keeps the focus when the first character creates the Y.Text of an empty text field', () => {
    const { session, idOf, field } = mount()
    act(() => {
      setStepField(session.doc, idOf('ask'), ['prompt', 2], { type: 'static' })
    })
    expect(getStepText(session.doc, idOf('ask'), ['prompt', 2, 'content'])).toBeUndefined()
    const area = field('prompt.2.content').querySelector('textarea')!
    area.focus()
    fireEvent.change(area, { target: { value: 'N' } })
    const bound = field('prompt.2.content').querySelector('textarea')!
    expect(document.activeElement).toBe(bound)
    expect(getStepText(session.doc, idOf('ask'), ['prompt', 2, 'content'])?.toString()).toBe('N')
    fireEvent.change(bound, { target: { value: 'Note' } })
    expect(exportYaml(session.doc)).toContain('content: Note')
  })

  it('renames through renameStep on Enter, updating references', () => {
    const { session, control } = mount()
    const input = control('name') as HTMLInputElement
    fireEvent.focus(input)
    fireEvent.change(input, { target: { value: 'question' } })
    expect(exportYaml(session.doc)).toContain('- name: ask')
    fireEvent.keyDown(input, { key: 'Enter' })
    const out = exportYaml(session.doc)
    expect(out).toContain('- name: question')
    expect(out).toContain('data_source: question')
  })

  it('lists nested steps and selects them', () => {
    const { field, onSelect, idOf } = mount({ step: 'loop' })
    expect(field('steps').dataset.control).toBe('steps')
    fireEvent.click(within(field('steps')).getByRole('button', { name: /inner/ }))
    expect(onSelect).toHaveBeenCalledWith([idOf('inner')])
  })

  it('disables every control when read-only', () => {
    const { container } = mount({ readOnly: true })
    const controls = container.querySelectorAll('input, textarea, select, button')
    expect(controls.length).toBeGreaterThan(10)
    for (const el of controls) {
      if (el.closest('summary')) continue
      const isNav = el.classList.contains('weft-link')
      if (!isNav) expect((el as HTMLInputElement).disabled, el.outerHTML.slice(0, 80)).toBe(true)
    }
  })

  it('shows the workflow settings when nothing is selected, and edits them', () => {
    const { session, control, field } = mount({ step: null })
    const ids = readPipeline(session.doc).steps.map((s) => s.id)
    expect(screen.getByText('Pipeline settings')).toBeTruthy()
    expect((control('name') as HTMLInputElement).value).toBe('demo')
    expect(field('checkpoint_enabled').textContent).toMatch(/default: false/)
    expect(screen.queryByTestId('field-steps')).toBeNull()
    fireEvent.change(control('workspace_dir'), { target: { value: './ws' } })
    const out = exportYaml(session.doc)
    expect(out).toContain('workspace_dir: ./ws')
    expect(out).toContain('# the question')
    expect(readPipeline(session.doc).steps.map((s) => s.id)).toEqual(ids)
  })

  it('follows remote changes to the selected step', () => {
    const { session, idOf, control } = mount()
    act(() => {
      setStepField(session.doc, idOf('ask'), ['output_to_file'], 'remote.md', { origin: 'net' })
    })
    expect((control('output_to_file') as HTMLInputElement).value).toBe('remote.md')
  })

  it('says when the selected step is gone', () => {
    const session = testSession(yaml)
    render(<Inspector session={session} selection={['nope']} onSelect={() => {}} />)
    expect(screen.getByText(/no longer exists/)).toBeTruthy()
  })

  it('flags a prompt that is not a list and keeps it as YAML', () => {
    const session = testSession(
      'workflow:\n  name: w\n  steps:\n    - name: s\n      type: claude\n      prompt: just text\n',
    )
    const id = readPipeline(session.doc).steps[0]!.id
    render(<Inspector session={session} selection={[id]} onSelect={() => {}} />)
    const f = screen.getByTestId('field-prompt')
    expect(f.dataset.control).toBe('yaml')
    expect((f.querySelector('textarea') as HTMLTextAreaElement).value).toBe('just text')
    expect(f.dataset.severity).toBe('error')
  })
})
