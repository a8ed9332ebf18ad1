import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { cliBin } from './paths.js'

/** What `weft export` gives for a YAML file: `weft convert in.yaml in.ydoc`, then `weft export`. */
export function weftExport(yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'weft-e2e-cli-'))
  try {
    writeFileSync(join(dir, 'in.yaml'), yaml)
    execFileSync(process.execPath, [cliBin, 'convert', 'in.yaml', 'in.ydoc'], { cwd: dir })
    return execFileSync(process.execPath, [cliBin, 'export', 'in.ydoc'], {
      cwd: dir,
      encoding: 'utf8',
    })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
