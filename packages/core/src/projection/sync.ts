/**
 * Brings existing Yjs types to a new plain value with the smallest change, so an import that
 * changed one value produces an update that touches that value only, and concurrent edits to
 * everything else survive the merge.
 */
import diff from 'fast-diff'
import * as Y from 'yjs'
import { deepEqual } from '../yaml/equal.js'
import { decode, encode, isPlainObject, isTextKey } from './shape.js'

export function syncMap(map: Y.Map<unknown>, value: Record<string, unknown>): void {
  for (const k of [...map.keys()]) {
    if (!Object.prototype.hasOwnProperty.call(value, k)) map.delete(k)
  }
  for (const [k, v] of Object.entries(value)) syncEntry(map, k, v)
}

function syncEntry(map: Y.Map<unknown>, key: string, value: unknown): void {
  const cur = map.get(key)
  if (!map.has(key)) {
    map.set(key, encode(value, key))
    return
  }
  if (isPlainObject(value) && cur instanceof Y.Map) return syncMap(cur, value)
  if (Array.isArray(value) && cur instanceof Y.Array) return syncArray(cur, value)
  if (typeof value === 'string' && cur instanceof Y.Text && isTextKey(key))
    return syncText(cur, value)
  if (cur instanceof Y.AbstractType || !sameScalar(cur, value)) map.set(key, encode(value, key))
}

function sameScalar(a: unknown, b: unknown): boolean {
  return (
    a === b ||
    (typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b))
  )
}

export function syncArray(arr: Y.Array<unknown>, value: readonly unknown[]): void {
  const cur = arr.toArray()
  const old = cur.map(decode)
  let pre = 0
  while (pre < old.length && pre < value.length && deepEqual(old[pre], value[pre])) pre++
  let suf = 0
  while (
    suf < old.length - pre &&
    suf < value.length - pre &&
    deepEqual(old[old.length - 1 - suf], value[value.length - 1 - suf])
  ) {
    suf++
  }
  const oldMid = old.length - pre - suf
  const newMid = value.slice(pre, value.length - suf)
  if (oldMid === newMid.length) {
    // Same shape: edit each item in place, so a changed prompt part keeps its Y.Map and Y.Text.
    for (let i = 0; i < oldMid; i++) {
      const item = cur[pre + i]
      const v = newMid[i]
      if (isPlainObject(v) && item instanceof Y.Map) syncMap(item, v)
      else if (Array.isArray(v) && item instanceof Y.Array) syncArray(item, v)
      else {
        arr.delete(pre + i, 1)
        arr.insert(pre + i, [encode(v)])
      }
    }
    return
  }
  if (oldMid > 0) arr.delete(pre, oldMid)
  if (newMid.length > 0)
    arr.insert(
      pre,
      newMid.map((v) => encode(v)),
    )
}

/**
 * Applies a real character diff, so two edits far apart in a long text (the source of a
 * 1,000-step file, say) cost their own size, not the distance between them.
 */
export function syncTextByDiff(text: Y.Text, value: string): void {
  const cur = text.toString()
  if (cur === value) return
  let pos = 0
  for (const [op, chunk] of diff(cur, value)) {
    if (op === diff.EQUAL) pos += chunk.length
    else if (op === diff.DELETE) text.delete(pos, chunk.length)
    else {
      text.insert(pos, chunk)
      pos += chunk.length
    }
  }
}

/** One delete and one insert around the common prefix and suffix: right for typing bursts. */
export function syncText(text: Y.Text, value: string): void {
  const cur = text.toString()
  if (cur === value) return
  let pre = 0
  const max = Math.min(cur.length, value.length)
  while (pre < max && cur.charCodeAt(pre) === value.charCodeAt(pre)) pre++
  let suf = 0
  while (
    suf < max - pre &&
    cur.charCodeAt(cur.length - 1 - suf) === value.charCodeAt(value.length - 1 - suf)
  ) {
    suf++
  }
  // Never split a surrogate pair: Y.Text counts UTF-16 units like JS strings do.
  if (pre > 0 && isHighSurrogate(cur.charCodeAt(pre - 1))) pre--
  if (suf > 0 && isLowSurrogate(cur.charCodeAt(cur.length - suf))) suf--
  const del = cur.length - pre - suf
  if (del > 0) text.delete(pre, del)
  const ins = value.slice(pre, value.length - suf)
  if (ins.length > 0) text.insert(pre, ins)
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff
}
function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff
}
