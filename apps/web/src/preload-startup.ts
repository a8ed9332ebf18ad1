/** Starts `/api/me` and, on an editor route, the pipeline's metadata (see api/preload.ts). */
import { preloadStartup } from './api/preload.js'

if (typeof performance !== 'undefined') performance.mark('weft:entry')
// Not in the hidden frame that runs the app's code once to cache it (offline/register-sw.ts).
if (typeof location !== 'undefined' && location.protocol !== 'about:') preloadStartup(location.hash)
