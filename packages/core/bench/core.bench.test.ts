/**
 * Core benchmarks (not part of `npm test`; run `pnpm --filter @weft/core bench`). Prints a
 * markdown table for docs/benchmarks.md. Timings are medians of repeated runs, in one process,
 * against a plain `yaml` parse of the same text as the peer figure.
 */
import os from 'node:os'
import { it } from 'vitest'
import { parse } from 'yaml'
import * as Y from 'yjs'
import { exportYaml, importYaml, readPipeline, setStepField, validateYaml } from '../src/index.js'
import { generatePipeline } from './generate.js'

function median(fn: () => void, runs: number): number {
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const t = performance.now()
    fn()
    times.push(performance.now() - t)
  }
  times.sort((a, b) => a - b)
  return times[Math.floor(times.length / 2)]!
}

it('core benchmark', () => {
  const rows: string[] = []
  for (const steps of [1000, 10000]) {
    const runs = steps === 1000 ? 15 : 5
    const text = generatePipeline(steps)
    const parseMs = median(() => parse(text), runs)
    const validateMs = median(() => validateYaml(text), runs)
    const importMs = median(() => importYaml(new Y.Doc(), text), runs)
    const doc = new Y.Doc()
    importYaml(doc, text)
    const exportUntouchedMs = median(() => exportYaml(doc), runs)
    const mid = readPipeline(doc).steps[Math.floor(steps / 2)]!.id
    let n = 0
    const exportEditedMs = median(() => {
      setStepField(doc, mid, ['model'], `m${n++}`)
      exportYaml(doc)
    }, runs)
    const v1 = Y.encodeStateAsUpdate(doc).byteLength
    const v2 = Y.encodeStateAsUpdateV2(doc).byteLength
    const before = Y.encodeStateVector(doc)
    importYaml(doc, exportYaml(doc).replace('max_output_tokens: 2048', 'max_output_tokens: 4096'))
    const oneValue = Y.encodeStateAsUpdate(doc, before).byteLength
    const before2 = Y.encodeStateVector(doc)
    setStepField(doc, mid, ['model'], 'final')
    const oneField = Y.encodeStateAsUpdate(doc, before2).byteLength
    const f = (x: number) => x.toFixed(1)
    rows.push(
      `| ${steps} | ${(text.length / 1024).toFixed(0)} KiB | ${f(parseMs)} | ${f(validateMs)} | ${f(importMs)} (${(importMs / parseMs).toFixed(1)}×) | ${f(exportUntouchedMs)} | ${f(exportEditedMs)} (${(exportEditedMs / parseMs).toFixed(1)}×) | ${(v1 / steps).toFixed(0)} B (${(v1 / text.length).toFixed(2)}×) | ${(v2 / steps).toFixed(0)} B (${(v2 / text.length).toFixed(2)}×) | ${oneValue} B | ${oneField} B |`,
    )
  }
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU'
  console.log(
    [
      `Machine: ${cpu}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
      '',
      '| steps | YAML | yaml parse (ms) | parse+validate (ms) | import (ms) | export untouched (ms) | export after an edit (ms) | doc V1 / step | doc V2 / step | one-value import update | one-field edit update |',
      '|---|---|---|---|---|---|---|---|---|---|---|',
      ...rows,
    ].join('\n'),
  )
})
