// Copies the web page's static files next to the compiled server (tsc copies only .ts output).
import { cpSync, existsSync } from 'node:fs'
const from = new URL('../src/ui/static/', import.meta.url)
if (existsSync(from)) cpSync(from, new URL('../dist/ui/static/', import.meta.url), { recursive: true })
