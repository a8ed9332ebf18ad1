#!/usr/bin/env node
import { run } from '../dist/weft.js'

process.exitCode = await run(process.argv.slice(2))
