#!/usr/bin/env node
import { main } from '../dist/weft-server.js'

main(process.argv.slice(2), process.env).catch((error) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})
