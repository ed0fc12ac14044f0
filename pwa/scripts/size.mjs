// Prints the gzip size of the JavaScript the rep app loads on first visit
// (the module scripts and modulepreloads in dist/index.html), and fails above the budget.
import { readFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'

const BUDGET = 60 * 1024
const dist = new URL('../dist/', import.meta.url)

let html
try {
  html = readFileSync(new URL('index.html', dist), 'utf8')
} catch {
  console.error('dist/index.html not found: run `npm run build` first.')
  process.exit(1)
}

const srcs = new Set()
for (const [, src] of html.matchAll(/<script[^>]*\bsrc="([^"]+\.js)"/g)) srcs.add(src)
for (const [, href] of html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+\.js)"/g)) srcs.add(href)
if (srcs.size === 0) {
  console.error('No scripts found in dist/index.html.')
  process.exit(1)
}

let total = 0
for (const src of srcs) {
  const bytes = gzipSync(readFileSync(new URL(src.replace(/^\//, ''), dist)), { level: 9 }).length
  total += bytes
  console.log(`${String(bytes).padStart(7)} B gzip  ${src}`)
}
console.log(`${String(total).padStart(7)} B gzip  total first-load JS (budget ${BUDGET} B)`)
if (total > BUDGET) {
  console.error(`Over budget by ${total - BUDGET} B: keep the rep app small (lazy-load, or move code to the console).`)
  process.exit(1)
}
