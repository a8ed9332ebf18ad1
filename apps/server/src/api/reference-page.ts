/**
 * The API reference page at `/api/docs`: plain HTML rendered on the server from the OpenAPI
 * document, every value escaped by hono/html. No script runs, nothing loads from elsewhere (the
 * page works offline and under a `default-src 'none'` policy), and it cannot drift from
 * `/api/openapi.json` because it is made from the same object.
 */
import { html, raw } from 'hono/html'
import type { HtmlEscapedString } from 'hono/utils/html'
import type { OpenApiDocument } from './openapi.js'

type Html = HtmlEscapedString | Promise<HtmlEscapedString>

interface Op {
  operationId: string
  summary: string
  description?: string
  'x-weft-access': string
  parameters?: { name: string; in: string; description?: string; schema?: unknown }[]
  requestBody?: { content: Record<string, { schema?: unknown }> }
  responses: Record<string, { description: string; content?: Record<string, { schema?: unknown }> }>
  tags: string[]
}

const STYLE = `
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1d2733;background:#fafbfc}
main{max-width:960px;margin:0 auto;padding:24px}
h1{margin:0 0 4px}h2{margin-top:40px;border-bottom:1px solid #d8dee4}
section.op{background:#fff;border:1px solid #d8dee4;border-radius:6px;margin:12px 0;padding:12px 16px}
.m{display:inline-block;min-width:56px;font:600 13px ui-monospace,monospace;text-transform:uppercase}
.get{color:#0a6b3d}.post{color:#1f5fbf}.put{color:#8a5a00}.delete{color:#b3261e}.patch{color:#6b3fa0}
code,pre{font:13px/1.4 ui-monospace,monospace}pre{background:#f3f5f7;padding:8px;overflow:auto;border-radius:4px}
.access{float:right;font-size:12px;color:#5b6673}table{border-collapse:collapse}td,th{padding:2px 10px 2px 0;text-align:left;vertical-align:top}
details summary{cursor:pointer}
`

function schemaBlock(schema: unknown): Html {
  return schema === undefined ? html`` : html`<pre>${JSON.stringify(schema, null, 2)}</pre>`
}

function paragraphs(text: string): Html {
  // Only the document's own markdown-ish text: backticks become code, lines stay lines.
  const parts = text
    .split(/(`[^`]*`)/g)
    .map((part) =>
      part.startsWith('`') && part.endsWith('`')
        ? html`<code>${part.slice(1, -1)}</code>`
        : html`${part}`,
    )
  return html`<p>${parts}</p>`
}

function operation(method: string, path: string, op: Op): Html {
  const params = op.parameters ?? []
  return html`<section class="op" id="${op.operationId}">
    <span class="access">${op['x-weft-access']}</span>
    <div><span class="m ${method}">${method}</span> <code>${path}</code></div>
    <p><strong>${op.summary}</strong></p>
    ${op.description === undefined ? '' : paragraphs(op.description)}
    ${params.length === 0
      ? ''
      : html`<table>
          <tr>
            <th>parameter</th>
            <th>in</th>
            <th></th>
          </tr>
          ${params.map(
            (p) =>
              html`<tr>
                <td><code>${p.name}</code></td>
                <td>${p.in}</td>
                <td>${p.description ?? ''}</td>
              </tr>`,
          )}
        </table>`}
    ${op.requestBody === undefined
      ? ''
      : Object.entries(op.requestBody.content).map(
          ([type, c]) =>
            html`<details>
              <summary>Request body: <code>${type}</code></summary>
              ${schemaBlock(c.schema)}
            </details>`,
        )}
    ${Object.entries(op.responses).map(
      ([status, r]) =>
        html`<details>
          <summary><code>${status}</code> ${r.description}</summary>
          ${Object.entries(r.content ?? {}).map(
            ([type, c]) =>
              html`<div><code>${type}</code></div>
                ${schemaBlock(c.schema)}`,
          )}
        </details>`,
    )}
  </section>`
}

export function referencePage(doc: OpenApiDocument): Html {
  const byTag = new Map<string, Html[]>()
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, value] of Object.entries(item)) {
      const op = value as unknown as Op
      const tag = op.tags[0] ?? 'Other'
      const list = byTag.get(tag) ?? []
      list.push(operation(method, path, op))
      byTag.set(tag, list)
    }
  }
  const [intro, ...codes] = doc.info.description.split('\n- ')
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${doc.info.title} reference</title>
        <style>
          ${raw(STYLE)}
        </style>
      </head>
      <body>
        <main>
          <h1>${doc.info.title}</h1>
          <p>OpenAPI ${doc.openapi} document: <a href="/api/openapi.json">/api/openapi.json</a></p>
          ${paragraphs(intro ?? '')}
          <ul>
            ${codes.map((line) => html`<li>${paragraphs(line)}</li>`)}
          </ul>
          <h2>Error shape</h2>
          ${schemaBlock(doc.components.schemas?.Error)}
          ${[...byTag].map(
            ([tag, ops]) =>
              html`<h2 id="${tag.toLowerCase()}">${tag}</h2>
                ${ops}`,
          )}
        </main>
      </body>
    </html>`
}
