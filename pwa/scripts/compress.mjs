// Writes a brotli (.br) and a gzip (.gz) copy beside every text file of the build, for the
// service to send to browsers that accept them (app/web/router.py picks one per request).
// Compressing once here, at the strongest settings, costs the server nothing per request.
// A copy is kept only when it is smaller than the file; each is decompressed and compared.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { brotliCompressSync, brotliDecompressSync, constants, gunzipSync, gzipSync } from 'node:zlib'

const dist = new URL('../dist/', import.meta.url).pathname
const TEXT = /\.(js|mjs|css|html|webmanifest|json|svg|txt|xml|map)$/

function* files(folder) {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name)
    if (entry.isDirectory()) yield* files(path)
    else if (TEXT.test(entry.name)) yield path
  }
}

const brotli = (bytes) =>
  brotliCompressSync(bytes, {
    params: {
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    },
  })
const CODINGS = [
  { suffix: '.br', compress: brotli, decompress: brotliDecompressSync },
  { suffix: '.gz', compress: (b) => gzipSync(b, { level: 9 }), decompress: gunzipSync },
]

try {
  statSync(dist)
} catch {
  console.error('dist/ not found: run `vite build` first.')
  process.exit(1)
}
let before = 0
let after = 0
for (const path of files(dist)) {
  const bytes = readFileSync(path)
  const written = []
  let smallest = bytes.length
  for (const { suffix, compress, decompress } of CODINGS) {
    const packed = compress(bytes)
    if (packed.length >= bytes.length) continue
    if (!decompress(packed).equals(bytes)) throw new Error(`${suffix} of ${path} does not round-trip`)
    writeFileSync(path + suffix, packed)
    written.push(`${suffix.slice(1)} ${packed.length}`)
    smallest = Math.min(smallest, packed.length)
  }
  before += bytes.length
  after += smallest
  console.log(`${String(bytes.length).padStart(9)} B  ${written.join('  ').padEnd(22)} ${relative(dist, path)}`)
}
console.log(`${String(before).padStart(9)} B  -> ${after} B with the smallest copy of each`)
