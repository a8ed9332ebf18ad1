/**
 * Light and dark themes are two sets of CSS variables (styles.css). With no choice stored, the
 * system's prefers-color-scheme decides; a toggle stores an explicit choice.
 */
import { useCallback, useEffect, useState } from 'react'

export type Theme = 'light' | 'dark'
const KEY = 'weft:theme'

export function systemTheme(): Theme {
  return typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches
    ? 'dark'
    : 'light'
}

export function storedTheme(): Theme | undefined {
  try {
    const v = localStorage.getItem(KEY)
    return v === 'light' || v === 'dark' ? v : undefined
  } catch {
    return undefined
  }
}

export function applyTheme(theme: Theme): void {
  document.documentElement.dataset.theme = theme
  document.documentElement.style.colorScheme = theme
}

const listeners = new Set<(t: Theme) => void>()
let current: Theme | undefined

export function currentTheme(): Theme {
  return (current ??= storedTheme() ?? systemTheme())
}

export function setTheme(theme: Theme): void {
  current = theme
  try {
    localStorage.setItem(KEY, theme)
  } catch {
    // not persisted; still applied
  }
  applyTheme(theme)
  for (const l of listeners) l(theme)
}

export function toggleTheme(): void {
  setTheme(currentTheme() === 'dark' ? 'light' : 'dark')
}

/** The current theme, re-rendering on toggles and (with no stored choice) on system changes. */
export function useTheme(): [Theme, () => void] {
  const [theme, setState] = useState<Theme>(currentTheme)
  useEffect(() => {
    applyTheme(currentTheme())
    listeners.add(setState)
    const media =
      typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null
    const onSystem = () => {
      if (storedTheme()) return
      current = systemTheme()
      applyTheme(current)
      setState(current)
    }
    media?.addEventListener?.('change', onSystem)
    return () => {
      listeners.delete(setState)
      media?.removeEventListener?.('change', onSystem)
    }
  }, [])
  return [theme, useCallback(toggleTheme, [])]
}
