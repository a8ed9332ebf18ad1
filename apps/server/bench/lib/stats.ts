/** Percentiles by the nearest-rank method over a copy of the samples (milliseconds). */
export interface Summary {
  count: number
  p50: number
  p95: number
  p99: number
  max: number
  mean: number
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b)
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]
  const sum = sorted.reduce((a, b) => a + b, 0)
  return {
    count: sorted.length,
    p50: rank(0.5) ?? NaN,
    p95: rank(0.95) ?? NaN,
    p99: rank(0.99) ?? NaN,
    max: sorted[sorted.length - 1] ?? NaN,
    mean: sorted.length > 0 ? sum / sorted.length : NaN,
  }
}

export const ms = (n: number) => (Number.isFinite(n) ? n.toFixed(n >= 100 ? 0 : 2) : '—')
