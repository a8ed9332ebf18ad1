/**
 * Which transactions change the pipeline itself. Canvas positions (`layout`) and step notes
 * change on every drag frame and never reach the YAML, so the panes skip those transactions
 * instead of re-exporting and re-validating the pipeline sixty times a second.
 */
import { docKeys } from '@weft/core'
import type * as Y from 'yjs'

/** A shared type as the transaction's change maps key it. */
export type PipelineType = Parameters<Y.Transaction['changed']['has']>[0]

export function pipelineTypes(doc: Y.Doc): PipelineType[] {
  return [
    doc.getMap(docKeys.meta),
    doc.getMap(docKeys.root),
    doc.getMap(docKeys.steps),
    doc.getText(docKeys.source),
  ] as unknown[] as PipelineType[]
}

/** True when `tr` changed anything that exportYaml / readPipeline read. */
export function touchesPipeline(tr: Y.Transaction, types: readonly PipelineType[]): boolean {
  return types.some((t) => tr.changedParentTypes.has(t) || tr.changed.has(t))
}
