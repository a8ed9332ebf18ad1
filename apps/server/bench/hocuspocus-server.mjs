// The Hocuspocus 4.x baseline for the server benchmark, run as a child process (plain ESM: Node 20
// cannot run TypeScript). Stock configuration except for the Database extension, which keeps each
// document in `hocuspocus_documents (name text primary key, data bytea)` on DATABASE_URL.
//
// Prints one JSON line `{"msg":"listening","port":…}` on stdout. When started with an IPC channel,
// it sends `{ type: 'stored', name, sv, at }` after every committed store, where `sv` is the
// base64 state vector of exactly the state that was written and `at` is `performance.timeOrigin +
// performance.now()` (the bench uses it to see when a write became durable; the clients are never
// told).
import { Database } from '@hocuspocus/extension-database'
import { Server } from '@hocuspocus/server'
import postgres from 'postgres'
import * as Y from 'yjs'

const url = process.env.DATABASE_URL
if (!url) {
  process.stderr.write('hocuspocus-server: DATABASE_URL is required\n')
  process.exit(2)
}

const sql = postgres(url, { max: 10, onnotice: () => {} })
await sql`create table if not exists hocuspocus_documents (name text primary key, data bytea)`

const now = () => performance.timeOrigin + performance.now()

const database = new Database({
  fetch: async ({ documentName }) => {
    const rows = await sql`select data from hocuspocus_documents where name = ${documentName}`
    return rows.length > 0 ? new Uint8Array(rows[0].data) : null
  },
  store: async ({ documentName, state, document }) => {
    // `state` was encoded synchronously just before this call, so this is its state vector.
    const sv = Buffer.from(Y.encodeStateVector(document)).toString('base64')
    await sql`insert into hocuspocus_documents (name, data) values (${documentName}, ${state})
      on conflict (name) do update set data = excluded.data`
    process.send?.({ type: 'stored', name: documentName, sv, at: now() })
  },
})

const server = new Server({
  port: 0,
  address: '127.0.0.1',
  quiet: true,
  extensions: [database],
})
await server.listen()
process.stdout.write(JSON.stringify({ msg: 'listening', port: server.address.port }) + '\n')

const stop = async () => {
  await server.destroy()
  await sql.end({ timeout: 5 })
  process.exit(0)
}
process.on('SIGTERM', () => void stop())
process.on('SIGINT', () => void stop())
