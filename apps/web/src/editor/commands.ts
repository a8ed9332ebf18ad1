/**
 * The editor's actions, in one registry that every pane registers into. The command palette
 * lists them, the shortcut sheet shows their keys, and one keyboard handler runs them, so an
 * action has one name, one shortcut and one implementation wherever it is invoked from.
 *
 * Panes register with `useRegisterCommands([...], deps)`. Registering an id that is already
 * registered overrides it until the newer registration is removed (so the canvas can provide a
 * better `step.delete` than the shell's while it is mounted).
 *
 * Well-known ids (the shell lists them in the palette under these names):
 * - `edit.undo`, `edit.redo`                               shell
 * - `step.add.<type>`, `step.delete`, `step.duplicate`, `step.rename`   shell (core ops)
 * - `view.toggleYaml`, `view.toggleTheme`, `help.shortcuts`, `palette.open`   shell
 * - `view.zoomToFit`, `view.autoLayout`, `canvas.focus`    canvas
 * - `inspector.focus`, `yaml.focus`                         inspector / YAML pane
 */
import { createContext, useContext, useEffect, useSyncExternalStore } from 'react'

export interface EditorCommand {
  /** Stable id, e.g. `step.delete`. */
  readonly id: string
  /** What the palette shows, e.g. "Delete selected steps". */
  readonly title: string
  /** Palette / shortcut-sheet section, e.g. "Steps", "View", "Add step". */
  readonly group?: string
  /** Extra words the palette search matches. */
  readonly keywords?: string
  /**
   * Shortcuts, as `Mod+Shift+Z`, `Delete`, `?`. `Mod` is Cmd on macOS and Ctrl elsewhere. The
   * first is shown in the palette and the sheet. Only `global` commands fire while the focus is in
   * a text field.
   */
  readonly keys?: readonly string[]
  /** True for commands that change the document: disabled for viewers. */
  readonly edits?: boolean
  /** Extra condition (e.g. "something is selected"). */
  readonly enabled?: () => boolean
  readonly run: () => void
  /** Run even when the focus is in a text field (e.g. undo, the palette). */
  readonly global?: boolean
  /** Hidden from the palette (still bound to its keys). */
  readonly hidden?: boolean
}

export class EditorCommands {
  private readonly stacks = new Map<string, EditorCommand[]>()
  private readonly order: string[] = []
  private readonly listeners = new Set<() => void>()
  private snapshot: readonly EditorCommand[] = []
  /** Set by the shell: when true, commands with `edits` are disabled. */
  readOnly = false

  register(commands: EditorCommand | readonly EditorCommand[]): () => void {
    const list = Array.isArray(commands) ? commands : [commands as EditorCommand]
    for (const c of list) {
      let stack = this.stacks.get(c.id)
      if (!stack) {
        this.stacks.set(c.id, (stack = []))
        this.order.push(c.id)
      }
      stack.push(c)
    }
    this.changed()
    return () => {
      for (const c of list) {
        const stack = this.stacks.get(c.id)
        const i = stack?.lastIndexOf(c) ?? -1
        if (stack && i >= 0) stack.splice(i, 1)
      }
      this.changed()
    }
  }

  get(id: string): EditorCommand | undefined {
    const stack = this.stacks.get(id)
    return stack?.[stack.length - 1]
  }

  /** Every registered command, in registration order. */
  list(): readonly EditorCommand[] {
    return this.snapshot
  }

  isEnabled(command: EditorCommand): boolean {
    if (command.edits && this.readOnly) return false
    return command.enabled ? command.enabled() : true
  }

  /** Runs a command by id; false when it is unknown or disabled. */
  run(id: string): boolean {
    const c = this.get(id)
    if (!c || !this.isEnabled(c)) return false
    c.run()
    return true
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Tells listeners that something `enabled` depends on changed (selection, undo stack…). */
  changed(): void {
    this.snapshot = this.order.map((id) => this.get(id)).filter((c): c is EditorCommand => !!c)
    for (const l of this.listeners) l()
  }
}

export const EditorCommandsContext = createContext<EditorCommands>(new EditorCommands())

export function useEditorCommands(): EditorCommands {
  return useContext(EditorCommandsContext)
}

/** The registered commands, re-rendering when they change. */
export function useCommandList(): readonly EditorCommand[] {
  const commands = useEditorCommands()
  return useSyncExternalStore(commands.subscribe, () => commands.list())
}

/**
 * Registers commands while the component is mounted. `deps` says when to re-register (the
 * command objects capture the component's state).
 */
export function useRegisterCommands(
  make: () => readonly EditorCommand[],
  deps: readonly unknown[],
): void {
  const commands = useEditorCommands()
  useEffect(() => commands.register(make()), [commands, ...deps])
}

const isMac = () =>
  typeof navigator !== 'undefined' &&
  /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent)

/** `Mod+Shift+Z` → `⌘⇧Z` on macOS, `Ctrl+Shift+Z` elsewhere. */
export function formatKeys(keys: string): string {
  if (isMac()) {
    return keys
      .replace(/Mod\+/g, '⌘')
      .replace(/Shift\+/g, '⇧')
      .replace(/Alt\+/g, '⌥')
      .replace(/Ctrl\+/g, '⌃')
  }
  return keys.replace(/Mod\+/g, 'Ctrl+')
}

/** Whether a keyboard event is the shortcut `keys` (e.g. `Mod+Shift+Z`, `?`, `Delete`). */
export function matchesKeys(event: KeyboardEvent, keys: string): boolean {
  const parts = keys.split('+')
  const key = parts.pop() ?? ''
  const mods = new Set(parts)
  const mac = isMac()
  const wantMod = mods.has('Mod')
  const modPressed = mac ? event.metaKey : event.ctrlKey
  if (wantMod !== modPressed) return false
  if (!mac && !wantMod && event.ctrlKey !== mods.has('Ctrl')) return false
  if (mac && event.ctrlKey !== mods.has('Ctrl')) return false
  if (!mac && event.metaKey) return false
  if (event.altKey !== mods.has('Alt')) return false
  // Shift is part of characters like `?`; only check it for letters and named keys.
  const printable = key.length === 1 && !/[a-z0-9]/i.test(key)
  if (!printable && event.shiftKey !== mods.has('Shift')) return false
  return key.length === 1 ? event.key.toLowerCase() === key.toLowerCase() : event.key === key
}

export function isTextInput(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  if (target.isContentEditable) return true
  const tag = target.tagName
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true
  if (tag === 'INPUT') {
    const type = (target as HTMLInputElement).type
    return !['checkbox', 'radio', 'button', 'submit', 'range', 'color'].includes(type)
  }
  return false
}

/**
 * Runs the command bound to a keydown, if any. Returns true when one ran (the event is then
 * prevented). Events a pane already handled (`defaultPrevented`) are left alone.
 */
export function dispatchShortcut(commands: EditorCommands, event: KeyboardEvent): boolean {
  if (event.defaultPrevented) return false
  const inText = isTextInput(event.target)
  for (const c of commands.list()) {
    for (const keys of c.keys ?? []) {
      if (!matchesKeys(event, keys)) continue
      if (inText && !c.global) continue
      event.preventDefault()
      commands.run(c.id)
      return true
    }
  }
  return false
}
