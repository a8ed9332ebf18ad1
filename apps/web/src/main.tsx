/**
 * The app's first chunk: it starts what an opened pipeline needs from the network and from this
 * device (preload-startup: the signed-in user, the pipeline's metadata, its IndexedDB copy and the
 * sync socket), then loads the rest of the app (boot.tsx: React DOM, the pages, the canvas). Those
 * requests and the local copy's load run while the larger chunk downloads and compiles
 * (docs/decisions/0006-web-startup.md).
 */
import './preload-startup.js'
import { applyTheme, currentTheme } from './theme/theme.js'
import './styles.css'

applyTheme(currentTheme())

void import('./boot.js')
