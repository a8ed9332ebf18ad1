// First, so that these requests start before the rest of the bundle is evaluated.
import './preload-startup.js'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './app/app.js'
import { registerServiceWorker } from './offline/register-sw.js'
import { applyTheme, currentTheme } from './theme/theme.js'
import './styles.css'

applyTheme(currentTheme())

const root = document.getElementById('root')
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  )
}

if (import.meta.env.PROD) registerServiceWorker()
