import { setStepPosition } from '@weft/core'
import * as Y from 'yjs'
import { describe, expect, it } from 'vitest'
import { docFrom, idOf, RESEARCH_YAML } from './fixtures'
import { modelStore, positionsStore } from './hooks'

/** The server's first sync on a cold open: the whole pipeline arrives in one update. */
function firstSync(into: Y.Doc): void {
  Y.applyUpdate(into, Y.encodeStateAsUpdate(docFrom(RESEARCH_YAML)), 'server')
}

describe('modelStore', () => {
  it('sees a transaction made between deriving the model and the first subscribe', () => {
    const doc = new Y.Doc()
    const store = modelStore(doc)
    expect(store.get().nodes).toHaveLength(0)
    firstSync(doc)
    const unsubscribe = store.subscribe(() => {})
    expect(store.get().nodes.length).toBeGreaterThan(0)
    unsubscribe()
  })

  it('keeps the same model when nothing happened before the subscribe', () => {
    const doc = docFrom(RESEARCH_YAML)
    const store = modelStore(doc)
    const first = store.get()
    const unsubscribe = store.subscribe(() => {})
    expect(store.get()).toBe(first)
    unsubscribe()
  })

  it('re-derives after changes made while unsubscribed, and notifies subscribers of later ones', () => {
    const doc = new Y.Doc()
    const store = modelStore(doc)
    let calls = 0
    const unsubscribe = store.subscribe(() => calls++)
    unsubscribe()
    firstSync(doc)
    store.subscribe(() => calls++)
    expect(store.get().nodes.length).toBeGreaterThan(0)
    doc.getMap('root').set('x', 1)
    expect(calls).toBe(1)
  })
})

describe('positionsStore', () => {
  it('keeps the same positions when nothing happened before the subscribe', () => {
    const doc = docFrom(RESEARCH_YAML)
    setStepPosition(doc, idOf(doc, 'collect'), { x: 10, y: 20 })
    const store = positionsStore(doc)
    const first = store.get()
    const unsubscribe = store.subscribe(() => {})
    expect(store.get()).toBe(first)
    unsubscribe()
  })

  it('sees a position set between the first read and the subscribe', () => {
    const doc = docFrom(RESEARCH_YAML)
    const store = positionsStore(doc)
    expect(store.get().size).toBe(0)
    setStepPosition(doc, idOf(doc, 'collect'), { x: 10, y: 20 })
    const unsubscribe = store.subscribe(() => {})
    expect(store.get().get(idOf(doc, 'collect'))).toEqual({ x: 10, y: 20 })
    unsubscribe()
  })
})
