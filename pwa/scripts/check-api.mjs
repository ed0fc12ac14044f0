// Fails when src/api/schema.d.ts does not match openapi.json (someone changed
// the API schema without running `npm run gen:api`).
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const committed = join(root, 'src/api/schema.d.ts')
const dir = mkdtempSync(join(tmpdir(), 'strang-api-'))
const fresh = join(dir, 'schema.d.ts')

try {
  execFileSync(join(root, 'node_modules/.bin/openapi-typescript'), ['openapi.json', '-o', fresh], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  let current = ''
  try {
    current = readFileSync(committed, 'utf8')
  } catch {
    // missing counts as stale
  }
  if (current !== readFileSync(fresh, 'utf8')) {
    console.error(
      'src/api/schema.d.ts is stale: it does not match pwa/openapi.json.\n' +
        'Regenerate it with `npm run gen:api` (after `python -m app.openapi > pwa/openapi.json`) and commit both files.',
    )
    process.exitCode = 1
  } else {
    console.log('src/api/schema.d.ts is up to date with openapi.json.')
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
