/**
 * Reading and writing the files commands work on, turning every way an input can be wrong into
 * one `CliError` line that names the file: missing, a directory, binary junk, a `.ydoc` that is
 * not a Yjs update or holds no Weft pipeline.
 */
import { isPipelineDoc } from '@weft/core'
import { extname, resolve } from 'node:path'
import * as Y from 'yjs'
import { describeFsError, exitCodes, FileError } from './errors.js'
import type { Io } from './io.js'

export type FileKind = 'yaml' | 'ydoc'

/** What a file holds, judged by its extension; `undefined` for anything Weft does not read. */
export function fileKind(file: string): FileKind | undefined {
  const ext = extname(file).toLowerCase()
  if (ext === '.yaml' || ext === '.yml') return 'yaml'
  if (ext === '.ydoc') return 'ydoc'
  return undefined
}

export async function readBytes(io: Io, file: string): Promise<Uint8Array> {
  try {
    return await io.readFile(resolve(io.cwd, file))
  } catch (error) {
    throw new FileError(file, describeFsError(error), exitCodes.usage)
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

/** The file's text; binary content is refused rather than fed to the YAML parser as mojibake. */
export function decodeText(file: string, bytes: Uint8Array): string {
  let text: string | undefined
  try {
    text = utf8.decode(bytes)
  } catch {
    text = undefined
  }
  if (text === undefined || text.includes('\0')) {
    throw new FileError(
      file,
      `is not a text file (it holds binary data); expected pipeline YAML`,
      exitCodes.invalid,
    )
  }
  return text
}

export async function readText(io: Io, file: string): Promise<string> {
  return decodeText(file, await readBytes(io, file))
}

/** A Y.Doc holding the Weft pipeline stored in `bytes` (a full Yjs update). */
export function decodeYdoc(file: string, bytes: Uint8Array): Y.Doc {
  const doc = new Y.Doc()
  try {
    Y.applyUpdate(doc, bytes)
  } catch {
    doc.destroy()
    throw new FileError(file, `is not a Yjs document (its bytes do not decode)`, exitCodes.invalid)
  }
  // Yjs parks structs whose dependencies are missing instead of failing, so a truncated or
  // partial update "decodes" into a document that silently lacks content.
  if (doc.store.pendingStructs !== null || doc.store.pendingDs !== null) {
    doc.destroy()
    throw new FileError(
      file,
      `is an incomplete Yjs document (it depends on updates that are not in the file)`,
      exitCodes.invalid,
    )
  }
  if (!isPipelineDoc(doc)) {
    doc.destroy()
    throw new FileError(file, `is a Yjs document but holds no Weft pipeline`, exitCodes.invalid)
  }
  return doc
}

export async function readYdoc(io: Io, file: string): Promise<Y.Doc> {
  return decodeYdoc(file, await readBytes(io, file))
}

export async function writeOutput(io: Io, file: string, data: string | Uint8Array): Promise<void> {
  try {
    await io.writeFileAtomic(resolve(io.cwd, file), data)
  } catch (error) {
    throw new FileError(file, `cannot write it: ${describeFsError(error)}`, exitCodes.usage)
  }
}
