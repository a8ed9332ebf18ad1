import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'
import type { IndexHtmlTransformContext, Plugin } from 'vite'

// The built app is plain static files; @weft/server serves them (WEFT_WEB_DIR) next to the API,
// so the app talks to its own origin and the session cookie needs no CORS.
export default defineConfig({
  plugins: [react(), preloadApp(), serviceWorker()],
  resolve: { conditions: ['source'] },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  server: {
    proxy: {
      '/api': 'http://localhost:4000',
      '/sync': { target: 'ws://localhost:4000', ws: true },
    },
  },
})

/**
 * Emits dist/sw.js: sw/service-worker.js with the list of the build's files to keep offline and a
 * version derived from them, so a new build replaces the old offline copy.
 */
function serviceWorker(): Plugin {
  return {
    name: 'weft-service-worker',
    apply: 'build',
    enforce: 'post',
    generateBundle(_options, bundle) {
      const files = Object.keys(bundle)
        .filter((f) => !f.endsWith('.map') && f !== 'sw.js' && f !== 'index.html')
        .map((f) => `/${f}`)
        .sort()
      const precache = ['/', '/index.html', ...files]
      const version = createHash('sha256').update(precache.join('\n')).digest('hex').slice(0, 12)
      const template = readFileSync(new URL('./sw/service-worker.js', import.meta.url), 'utf8')
      const source = template
        .replace('self.__WEFT_PRECACHE__', JSON.stringify(precache))
        .replace('__WEFT_VERSION__', version)
      this.emitFile({ type: 'asset', fileName: 'sw.js', source })
    },
  }
}

/**
 * Adds `<link rel="modulepreload">` for the app chunk (boot.tsx) and the chunks it imports, and a
 * preload of its CSS, to index.html. main.tsx imports boot.tsx only after it has run, so without
 * these the browser starts fetching and parsing the largest chunk a round trip late
 * (docs/decisions/0013-web-startup-code.md).
 */
function preloadApp(): Plugin {
  return {
    name: 'weft-preload-app',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html: string, ctx: IndexHtmlTransformContext) {
        const bundle = ctx.bundle
        if (!bundle) return html
        const chunks = Object.values(bundle).flatMap((c) => (c.type === 'chunk' ? [c] : []))
        const boot = chunks.find((c) => c.facadeModuleId?.endsWith('/src/boot.tsx'))
        if (!boot) throw new Error('weft-preload-app: no chunk for src/boot.tsx')
        const entry = chunks.find((c) => c.isEntry)
        const already = new Set([entry?.fileName, ...(entry?.imports ?? [])])
        const scripts: string[] = []
        const styles = new Set<string>()
        const linked = new Set(entry?.viteMetadata?.importedCss ?? [])
        const visit = (fileName: string) => {
          const chunk = chunks.find((c) => c.fileName === fileName)
          if (!chunk || scripts.includes(fileName)) return
          if (!already.has(fileName)) scripts.push(fileName)
          for (const css of chunk.viteMetadata?.importedCss ?? []) styles.add(css)
          chunk.imports.forEach(visit)
        }
        visit(boot.fileName)
        const links = [
          ...scripts.map((f) => `<link rel="modulepreload" crossorigin href="/${f}">`),
          ...[...styles]
            .filter((f) => !linked.has(f))
            .map((f) => `<link rel="preload" as="style" crossorigin href="/${f}">`),
        ]
        return html.replace('</head>', `  ${links.join('\n    ')}\n  </head>`)
      },
    },
  }
}
