/**
 * The templates shipped with Weft: every `*.yaml` file of one directory (by default the
 * `templates` folder next to the server build), read once at start-up. A template's id is
 * `weft.<file name without .yaml>`. A file pipeline_ex's loader would refuse is skipped with a
 * warning, so the gallery never offers a broken starting point.
 */
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { validateYaml } from '@weft/core'
import type { Logger } from '../logging/index.js'
import { summarizeTemplate, type TemplateSummary } from './summary.js'

export interface ShippedTemplate extends TemplateSummary {
  readonly id: string
  readonly yaml: string
}

/** Shipped ids start with `weft.`; team template ids are `team.<pipeline id>`. */
export const SHIPPED_PREFIX = 'weft.'
export const TEAM_PREFIX = 'team.'

export async function loadShippedTemplates(
  dir: string,
  logger: Logger,
): Promise<ShippedTemplate[]> {
  let files: string[]
  try {
    files = (await readdir(dir)).filter((f) => /^[A-Za-z0-9_-]+\.ya?ml$/.test(f)).sort()
  } catch (error) {
    logger.warn('no shipped templates: cannot read the templates directory', { dir, error })
    return []
  }
  const templates: ShippedTemplate[] = []
  for (const file of files) {
    const yaml = await readFile(join(dir, file), 'utf8')
    const errors = validateYaml(yaml).diagnostics.filter((d) => d.severity === 'error')
    if (errors.length > 0) {
      logger.warn('skipped a shipped template pipeline_ex would refuse', {
        file,
        errors: errors.map((d) => `${d.line}:${d.column} ${d.code} ${d.message}`),
      })
      continue
    }
    templates.push({
      id: SHIPPED_PREFIX + file.replace(/\.ya?ml$/, ''),
      yaml,
      ...summarizeTemplate(yaml),
    })
  }
  logger.info('shipped templates loaded', { dir, count: templates.length })
  return templates
}
