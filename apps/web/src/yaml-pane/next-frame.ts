/**
 * The YAML pane's catch-up scheduler, in its own module so that the editor page can pass it
 * without loading the pane (and CodeMirror) before the pane's chunk is needed.
 */
/** Runs `fn` at the next animation frame, or within 100 ms where frames do not run (a hidden tab). */
export function nextFrame(fn: () => void): void {
  let done = false
  const run = () => {
    if (done) return
    done = true
    fn()
  }
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(run)
  setTimeout(run, 100)
}
