import type { TemplateInfo } from './api.js'

/** The card that starts an empty pipeline; always first in the gallery. */
export const BLANK: TemplateInfo = {
  id: 'blank',
  source: 'weft',
  name: 'Blank',
  description: 'An empty pipeline with one Claude step to start from.',
  stepCount: 1,
  stepTypes: ['claude'],
}

/** Cards whose name, description, step types or owner contain every word of the query. */
export function matchTemplates(
  templates: readonly TemplateInfo[],
  query: string,
): readonly TemplateInfo[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean)
  if (words.length === 0) return templates
  return templates.filter((t) => {
    const hay = [t.name, t.description, t.stepTypes.join(' '), t.owner ?? '', t.source]
      .join(' ')
      .toLowerCase()
    return words.every((w) => hay.includes(w))
  })
}
