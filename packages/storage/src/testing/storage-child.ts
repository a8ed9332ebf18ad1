/**
 * A child process for the kill -9 tests (crash.test.ts). It is bundled by
 * buildStorageChild() and talks to the parent through stdout lines.
 *
 *   init <dataDir> <pipelineId>           PGlite on disk: a user and an empty pipeline.
 *   append <dataDir> <pipelineId>         PGlite on disk: append one update per transaction
 *                                         forever, printing `ack <seq>` after each COMMIT.
 *   compact <databaseUrl> <pipelineId>    PostgreSQL: compact once, with a slow render; prints
 *                                         `render` when inside the transaction, `done <n>` after.
 */
import { openStore } from '../open.js'
import { payloadFor, renderPipeline } from './docs.js'

const say = (line: string) => process.stdout.write(line + '\n')

async function main(): Promise<void> {
  const [mode, target, pipelineId] = process.argv.slice(2)
  if (!target || !pipelineId) throw new Error('usage: append|compact <target> <pipelineId>')
  if (mode === 'init') {
    const store = await openStore({ dataDir: target })
    const user = await store.createUser({
      email: 'a@example.com',
      passwordHash: 'h',
      isAdmin: false,
    })
    await store.createPipeline({
      id: pipelineId,
      ownerId: user.id,
      name: 'n',
      description: '',
      epoch: 'e',
      state: new Uint8Array([0, 0]),
      yaml: '',
      search: '',
    })
    await store.close()
    say('done')
    return
  }
  if (mode === 'append') {
    const store = await openStore({ dataDir: target })
    let head = (await store.readUpdatesSince(pipelineId, 0)).headSeq
    say(`ready ${Date.now()}`)
    for (;;) {
      const heads = await store.appendUpdates([{ pipelineId, updates: [payloadFor(head + 1)] }])
      head = heads.get(pipelineId) ?? -1
      say(`ack ${head} ${Date.now()}`)
    }
  }
  if (mode === 'compact') {
    const store = await openStore({ databaseUrl: target, poolSize: 1 })
    const spin = Number(process.argv[5] ?? '20')
    const { merged } = await store.compact(pipelineId, (state) => {
      say('render')
      const until = Date.now() + spin
      while (Date.now() < until) {
        // Widen the window between reading the rows and writing the snapshot.
      }
      return renderPipeline(state)
    })
    say(`done ${merged}`)
    await store.close()
    return
  }
  throw new Error(`unknown mode ${mode}`)
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`)
  process.exit(1)
})
