/**
 * Pipelines for the search benchmark, shaped like the pipeline_ex corpus rather than drawn from a
 * small word list: each generated pipeline starts from one corpus pipeline (its name, description,
 * steps, step types, prompt lengths) and replaces about a third of its words with words drawn from
 * a Zipf distribution (P(rank r) ∝ 1/r) over the corpus vocabulary, most frequent first, followed
 * by a long tail of made-up words. So the head keeps the corpus's document frequencies ("the" and
 * "claude" in about three quarters of pipelines, "analysis", "test", "pipeline" in about 40 %),
 * and the vocabulary grows with the library as real vocabularies do (project names, customers,
 * jargon), instead of every word being common.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { readYaml } from '@weft/core'

export interface CorpusShape {
  readonly name: string
  readonly description: string
  readonly steps: ReadonlyArray<{ name: string; type: string; texts: string[] }>
}

export interface GeneratedPipeline {
  readonly name: string
  readonly description: string
  readonly yaml: string
  /** As `summarizeDocument` makes it: names, description, step names, types and prompt text. */
  readonly search: string
  readonly stepTypes: string[]
  /** As `summarizeDocument` makes it: each step's name and prompt text. */
  readonly stepText: ReadonlyArray<{ name: string; text: string }>
  readonly tags: string[]
}

const PROMPT_KEYS = new Set(['content', 'prompt', 'system_prompt', 'append_system_prompt'])
/** Made-up words after the corpus's own: a library of 100,000 pipelines has a long tail. */
const TAIL = 60_000
const SYLLABLES = `ka lo mi ne ru sa te vo zi pa do fe gu hi ja ko lu ma ni po qu ri su ta ve
  wa xo ye zu ba ce di fo ga he ji ku le mo nu pe ro si tu va we`.split(/\s+/)
/** Tags people put on pipelines: a few popular, most rare (Zipf, like the words). */
const TAG_HEAD = `prod staging draft security finance support marketing legal research
  onboarding reporting nightly experimental deprecated customer internal sales hr data ml
  docs review compliance qa ops`.split(/\s+/)

export function readCorpus(dir: string): CorpusShape[] {
  const shapes: CorpusShape[] = []
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()) {
    const { value } = readYaml(readFileSync(join(dir, file), 'utf8'))
    const root = isRecord(value) ? value : {}
    const workflow = isRecord(root.workflow) ? root.workflow : root
    const steps = Array.isArray(workflow.steps) ? workflow.steps : []
    const shape: CorpusShape = {
      name: typeof workflow.name === 'string' ? workflow.name : file.replace(/\.yaml$/, ''),
      description: typeof workflow.description === 'string' ? workflow.description : '',
      steps: steps.filter(isRecord).map((step, i) => {
        const texts: string[] = []
        collectText(step, undefined, texts)
        return {
          name: typeof step.name === 'string' ? step.name : `step_${i}`,
          type: typeof step.type === 'string' ? step.type : 'claude',
          texts,
        }
      }),
    }
    if (shape.steps.length > 0) shapes.push(shape)
  }
  return shapes
}

export class SearchDataGenerator {
  readonly vocabulary: string[]
  readonly #cdf: Float64Array
  readonly #tagCdf: Float64Array
  readonly #tags: string[]

  constructor(
    readonly shapes: readonly CorpusShape[],
    private readonly random: () => number,
  ) {
    const counts = new Map<string, number>()
    for (const shape of shapes) {
      const all = [
        shape.name,
        shape.description,
        ...shape.steps.flatMap((s) => [s.name, ...s.texts]),
      ]
      for (const word of all.flatMap(words)) counts.set(word, (counts.get(word) ?? 0) + 1)
    }
    const head = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([w]) => w)
    const seen = new Set(head)
    const tail: string[] = []
    for (let i = 0; tail.length < TAIL; i++) {
      const word = madeUp(i)
      if (!seen.has(word)) tail.push(word)
    }
    this.vocabulary = [...head, ...tail]
    this.#cdf = zipfCdf(this.vocabulary.length)
    this.#tags = [
      ...TAG_HEAD,
      ...Array.from({ length: 400 }, (_, i) => `team-${madeUp(i * 7 + 3)}`),
    ]
    this.#tagCdf = zipfCdf(this.#tags.length)
  }

  /** A word by Zipf rank: the corpus's most frequent words most often, then the long tail. */
  word(): string {
    return this.vocabulary[sample(this.#cdf, this.random())]!
  }

  pipeline(): GeneratedPipeline {
    const random = this.random
    const shape = this.shapes[Math.floor(random() * this.shapes.length)]!
    // A third of the library mixes in steps from another pipeline, as people copy steps around.
    const steps = [...shape.steps]
    if (random() < 0.3) {
      const other = this.shapes[Math.floor(random() * this.shapes.length)]!
      steps.push(...other.steps.slice(0, 1 + Math.floor(random() * 3)))
    }
    const mutate = (text: string, rate: number) =>
      text.replace(/[\p{L}\p{N}]+/gu, (w) => (random() < rate ? this.word() : w))
    const nameParts = shape.name.split(/[^\p{L}\p{N}]+/u).filter(Boolean)
    const name = [
      ...nameParts.map((p) => (random() < 0.4 ? this.word() : p)),
      ...(random() < 0.5 ? [this.word()] : []),
    ].join('_')
    const description = shape.description
      ? mutate(shape.description, 0.35)
      : random() < 0.3
        ? Array.from({ length: 6 + Math.floor(random() * 12) }, () => this.word()).join(' ')
        : ''
    const made = steps.map((step, i) => ({
      name: `${mutate(step.name, 0.4)}${random() < 0.2 ? `_${i}` : ''}`,
      type: step.type,
      texts: step.texts.map((t) => mutate(t, 0.35)),
    }))
    const tagCount = random() < 0.4 ? 0 : 1 + Math.floor(random() * 3)
    const tags = [
      ...new Set(
        Array.from({ length: tagCount }, () => this.#tags[sample(this.#tagCdf, random())]!),
      ),
    ]
    const q = JSON.stringify
    const yaml = [
      'workflow:',
      `  name: ${q(name)}`,
      ...(description ? [`  description: ${q(description)}`] : []),
      '  steps:',
      ...made.flatMap((s) => [
        `    - name: ${q(s.name)}`,
        `      type: ${q(s.type)}`,
        ...(s.texts.length === 0
          ? []
          : [
              '      prompt:',
              ...s.texts.flatMap((t) => ['        - type: static', `          content: ${q(t)}`]),
            ]),
      ]),
      '',
    ].join('\n')
    const search = [
      name,
      ...(description ? [description] : []),
      ...made.flatMap((s) => [s.name, s.type, ...s.texts.flatMap((t) => ['static', t])]),
    ].join('\n')
    return {
      name,
      description,
      yaml,
      search,
      stepText: made.map((s) => ({ name: s.name, text: s.texts.join('\n') })),
      stepTypes: [...new Set(made.map((s) => s.type))],
      tags,
    }
  }
}

function zipfCdf(n: number): Float64Array {
  const cdf = new Float64Array(n)
  let total = 0
  for (let r = 1; r <= n; r++) {
    total += 1 / r
    cdf[r - 1] = total
  }
  for (let i = 0; i < n; i++) cdf[i]! /= total
  return cdf
}

function sample(cdf: Float64Array, u: number): number {
  let lo = 0
  let hi = cdf.length - 1
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (cdf[mid]! < u) lo = mid + 1
    else hi = mid
  }
  return lo
}

function madeUp(i: number): string {
  const n = SYLLABLES.length
  let word = ''
  let k = i + n
  while (k > 0) {
    word += SYLLABLES[k % n]
    k = Math.floor(k / n)
  }
  return word
}

function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []
}

function collectText(value: unknown, key: string | undefined, out: string[]): void {
  if (typeof value === 'string') {
    if (key !== undefined && PROMPT_KEYS.has(key)) out.push(value)
  } else if (Array.isArray(value)) {
    for (const item of value) collectText(item, key, out)
  } else if (isRecord(value)) {
    for (const [k, v] of Object.entries(value)) collectText(v, k, out)
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
