/** Renders the app (loaded by main.tsx once its early requests are under way). */
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './app/app.js'
import { registerServiceWorker } from './offline/register-sw.js'

const root = document.getElementById('root')
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  )
}

// Not again from the hidden frame that runs this code once to cache it (offline/register-sw.ts).
if (import.meta.env.PROD && location.protocol !== 'about:') registerServiceWorker()
