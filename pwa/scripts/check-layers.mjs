// The service worker builds on the offline store, never the other way round: a module under
// src/offline/ that imports one under src/sw/ fails the check (so would a new cycle between them).
// Usage: node scripts/check-layers.mjs   (run by `npm run check:layers`, part of `make lint`)
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const src = resolve(dirname(fileURLToPath(import.meta.url)), '../src')
// [lower, higher]: the lower folder may not import the higher one.
const RULES = [['offline', 'sw']]
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g

function* sources(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) yield* sources(path)
    else if (/\.(ts|tsx|js|mjs)$/.test(entry.name)) yield path
  }
}

function folderOf(path) {
  return relative(src, path).split(/[\\/]/)[0]
}

const broken = []
for (const [lower, higher] of RULES) {
  for (const file of sources(join(src, lower))) {
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const spec = match[1] ?? match[2]
      if (!spec.startsWith('.')) continue
      if (folderOf(resolve(dirname(file), spec)) === higher) {
        broken.push(`${relative(src, file)} imports ${spec}: src/${lower} may not import src/${higher}`)
      }
    }
  }
}
if (broken.length) {
  console.error(broken.join('\n'))
  process.exit(1)
}
console.log(`layers kept: ${RULES.map(([l, h]) => `src/${l} does not import src/${h}`).join('; ')}`)
