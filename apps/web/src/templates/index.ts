/**
 * Templates in the web app: the "New pipeline" gallery (Blank, Weft's shipped templates, the
 * team's), and the owner's "Mark as template" toggle on the pipelines page.
 */
export type { TemplateInfo } from './api.js'
export { templatesApi } from './api.js'
export { BLANK, matchTemplates } from './match.js'
export { NewPipelineGallery } from './new-pipeline-gallery.js'
export type { TemplateMarks } from './template-toggle.js'
export { TemplateToggle, useTemplateMarks } from './template-toggle.js'
