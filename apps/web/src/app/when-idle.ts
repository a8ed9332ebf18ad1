/**
 * Runs `fn` when the main thread is idle after the next frame (within a second at most), for
 * work that must not delay what the user is waiting to see; returns a cancel function.
 */
export function whenIdle(fn: () => void): () => void {
  let idle: number | undefined
  let timer: ReturnType<typeof setTimeout> | undefined
  const frame = requestAnimationFrame(() => {
    if (typeof requestIdleCallback === 'function') idle = requestIdleCallback(fn, { timeout: 1000 })
    else timer = setTimeout(fn, 0)
  })
  return () => {
    cancelAnimationFrame(frame)
    if (idle !== undefined) cancelIdleCallback(idle)
    if (timer !== undefined) clearTimeout(timer)
  }
}
