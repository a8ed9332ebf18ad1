/** Starts `/api/me` and, on an editor route, the pipeline's metadata (see api/preload.ts). */
import { preloadStartup } from './api/preload.js'

if (typeof performance !== 'undefined') performance.mark('weft:entry')
if (typeof location !== 'undefined') preloadStartup(location.hash)
