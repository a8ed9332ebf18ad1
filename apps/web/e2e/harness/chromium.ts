import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { chromiumPath } from './paths.js'

/**
 * Debian's `chromium` package, installed when missing (playwright's own browser downloads are not
 * used: they fetch a browser build outside the package manager).
 */
export function ensureChromium(): void {
  if (existsSync(chromiumPath)) return
  if (chromiumPath !== '/usr/bin/chromium') {
    throw new Error(`WEFT_CHROMIUM=${chromiumPath} does not exist.`)
  }
  const root = typeof process.getuid === 'function' && process.getuid() === 0
  if (!root) {
    throw new Error(
      'The browser tests need Chromium at /usr/bin/chromium and installing it needs root. Run:\n' +
        '  sudo apt-get update && sudo apt-get install -y chromium\n' +
        '(or point WEFT_CHROMIUM at a Chromium binary).',
    )
  }
  const apt = (...args: string[]) =>
    execFileSync('apt-get', args, {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    })
  console.log('[e2e] installing Debian chromium (apt-get install -y chromium)…')
  try {
    apt('install', '-y', '-qq', 'chromium')
  } catch {
    // A fresh machine has no package lists yet.
    apt('update', '-qq')
    apt('install', '-y', '-qq', 'chromium')
  }
  if (!existsSync(chromiumPath))
    throw new Error('apt-get installed chromium but /usr/bin/chromium is missing.')
}
