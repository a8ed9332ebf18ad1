import { ensureChromium } from './chromium.js'
import { assertBuilds } from './paths.js'

export default function setup(): void {
  assertBuilds()
  ensureChromium()
}
