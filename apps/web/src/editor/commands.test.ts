import { describe, expect, it, vi } from 'vitest'
import { dispatchShortcut, EditorCommands, matchesKeys } from './commands.js'

const key = (init: KeyboardEventInit & { key: string }, target?: EventTarget) => {
  const e = new KeyboardEvent('keydown', { bubbles: true, cancelable: true, ...init })
  if (target) Object.defineProperty(e, 'target', { value: target })
  return e
}

describe('EditorCommands', () => {
  it('runs the newest registration of an id and falls back when it is removed', () => {
    const commands = new EditorCommands()
    const shell = vi.fn()
    const canvas = vi.fn()
    commands.register({ id: 'step.delete', title: 'Delete', run: shell })
    const off = commands.register({ id: 'step.delete', title: 'Delete (canvas)', run: canvas })
    expect(commands.list()).toHaveLength(1)
    commands.run('step.delete')
    expect(canvas).toHaveBeenCalledOnce()
    off()
    commands.run('step.delete')
    expect(shell).toHaveBeenCalledOnce()
  })

  it('refuses editing commands when read-only, and disabled ones', () => {
    const commands = new EditorCommands()
    const run = vi.fn()
    commands.register([
      { id: 'a', title: 'A', edits: true, run },
      { id: 'b', title: 'B', enabled: () => false, run },
      { id: 'c', title: 'C', run },
    ])
    commands.readOnly = true
    expect(commands.run('a')).toBe(false)
    expect(commands.run('b')).toBe(false)
    expect(commands.run('c')).toBe(true)
    expect(run).toHaveBeenCalledOnce()
    commands.readOnly = false
    expect(commands.run('a')).toBe(true)
  })

  it('notifies subscribers on register and changed()', () => {
    const commands = new EditorCommands()
    const l = vi.fn()
    commands.subscribe(l)
    commands.register({ id: 'x', title: 'X', run: () => {} })
    commands.changed()
    expect(l).toHaveBeenCalledTimes(2)
  })
})

describe('shortcuts', () => {
  it('matches Mod+Z, Mod+Shift+Z, ? and plain keys (Ctrl off macOS)', () => {
    expect(matchesKeys(key({ key: 'z', ctrlKey: true }), 'Mod+Z')).toBe(true)
    expect(matchesKeys(key({ key: 'z', ctrlKey: true, shiftKey: true }), 'Mod+Z')).toBe(false)
    expect(matchesKeys(key({ key: 'Z', ctrlKey: true, shiftKey: true }), 'Mod+Shift+Z')).toBe(true)
    expect(matchesKeys(key({ key: 'y', ctrlKey: true }), 'Mod+Y')).toBe(true)
    expect(matchesKeys(key({ key: '?', shiftKey: true }), '?')).toBe(true)
    expect(matchesKeys(key({ key: 'Delete' }), 'Delete')).toBe(true)
    expect(matchesKeys(key({ key: 'z' }), 'Mod+Z')).toBe(false)
  })

  it('runs only global commands while typing in a text field, and skips handled events', () => {
    const commands = new EditorCommands()
    const undo = vi.fn()
    const del = vi.fn()
    commands.register([
      { id: 'edit.undo', title: 'Undo', keys: ['Mod+Z'], global: true, run: undo },
      { id: 'step.delete', title: 'Delete', keys: ['Delete'], run: del },
    ])
    const input = document.createElement('input')
    expect(dispatchShortcut(commands, key({ key: 'Delete' }, input))).toBe(false)
    expect(dispatchShortcut(commands, key({ key: 'z', ctrlKey: true }, input))).toBe(true)
    expect(undo).toHaveBeenCalledOnce()
    expect(dispatchShortcut(commands, key({ key: 'Delete' }, document.body))).toBe(true)
    expect(del).toHaveBeenCalledOnce()
    const handled = key({ key: 'Delete' }, document.body)
    handled.preventDefault()
    expect(dispatchShortcut(commands, handled)).toBe(false)
  })
})
