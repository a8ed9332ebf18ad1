/**
 * Tags: Weft's own labels on a pipeline (the pipeline_ex format has none), kept by the server
 * beside the document and checked the same way by the server and the web app. A tag is one lower
 * case word of letters, digits, `-` and `_`, as people type them in a filter box.
 */
export const MAX_TAGS = 10
export const MAX_TAG_LENGTH = 32
const TAG = /^[\p{Ll}\p{Lo}\p{N}][\p{Ll}\p{Lo}\p{N}_-]*$/u

/** What a person typed, as a tag: trimmed, lower case, inner spaces as `-`. */
export function normalizeTag(input: string): string {
  return input.trim().toLowerCase().replace(/\s+/g, '-')
}

/** Why `tag` (already normalized) is not a tag, or null when it is one. */
export function tagProblem(tag: string): string | null {
  if (tag === '') return 'a tag cannot be empty'
  if (tag.length > MAX_TAG_LENGTH) {
    return `"${tag.slice(0, 40)}" is longer than ${MAX_TAG_LENGTH} characters`
  }
  if (!TAG.test(tag)) {
    return `"${tag}" may only hold lower case letters, digits, - and _, starting with a letter or digit`
  }
  return null
}

export type TagsResult =
  | { readonly ok: true; readonly tags: string[] }
  | { readonly ok: false; readonly message: string }

/** A whole tag list: each normalized and checked, duplicates dropped, at most MAX_TAGS. */
export function checkTags(input: readonly string[]): TagsResult {
  const tags: string[] = []
  for (const [i, raw] of input.entries()) {
    const tag = normalizeTag(raw)
    const problem = tagProblem(tag)
    if (problem !== null) return { ok: false, message: `tags[${i}]: ${problem}` }
    if (!tags.includes(tag)) tags.push(tag)
  }
  if (tags.length > MAX_TAGS) {
    return { ok: false, message: `tags: at most ${MAX_TAGS}, not ${tags.length}` }
  }
  return { ok: true, tags }
}
