// Draws Strang's app icons (a braided rope on a teal tile) into public/icons/.
// No dependencies: pixels are computed here and written as PNG with node:zlib.
// Run with `npm run icons`; the PNGs are committed.
import { mkdirSync, writeFileSync } from 'node:fs'
import { deflateSync } from 'node:zlib'

const TEAL = [15, 95, 90]
const ROPE = [245, 240, 225]
const SHADE = [200, 190, 160]
const WHITE = [255, 255, 255]

function crc32(buf) {
  let c = ~0
  for (const byte of buf) {
    c ^= byte
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1))
  }
  return ~c >>> 0
}

function chunk(type, data) {
  const len = Buffer.alloc(4)
  len.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([len, body, crc])
}

function png(size, rgba) {
  const header = Buffer.alloc(13)
  header.writeUInt32BE(size, 0)
  header.writeUInt32BE(size, 4)
  header[8] = 8 // bit depth
  header[9] = 6 // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1))
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0 // filter: none
    rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4)
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

// Colour of one point in unit coordinates (0..1), or null for transparent.
function sample(x, y, { maskable, badge }) {
  // Tile: full bleed for maskable icons, rounded square otherwise, none for the badge.
  if (!maskable && !badge) {
    const r = 0.18
    const dx = Math.max(r - x, 0, x - (1 - r))
    const dy = Math.max(r - y, 0, y - (1 - r))
    if (dx * dx + dy * dy > r * r) return null
  }
  // Rope: two strands twisting around the diagonal, drawn inside the
  // maskable safe zone (a circle of radius 0.4 around the centre).
  const scale = maskable ? 0.62 : 0.8
  const u = (x - 0.5) / scale
  const v = (y - 0.5) / scale
  const along = (u - v) / Math.SQRT2 // position along the rope
  const across = (u + v) / Math.SQRT2 // offset from its axis
  if (Math.abs(along) > 0.42) return badge ? null : TEAL
  const phase = along * Math.PI * 5
  const width = 0.075
  const a = 0.09 * Math.sin(phase)
  const b = -a
  const front = Math.cos(phase) > 0 ? 'a' : 'b'
  const inA = Math.abs(across - a) < width
  const inB = Math.abs(across - b) < width
  // The notification badge: the rope alone, white on transparent (Android shows only its alpha).
  if (badge) return inA || inB ? WHITE : null
  if (inA && inB) return front === 'a' ? ROPE : SHADE
  if (inA) return front === 'a' ? ROPE : SHADE
  if (inB) return front === 'b' ? ROPE : SHADE
  return TEAL
}

function draw(size, opts) {
  const ss = 4 // supersampling per axis, for smooth edges
  const out = Buffer.alloc(size * size * 4)
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0, g = 0, b = 0, a = 0
      for (let sy = 0; sy < ss; sy++) {
        for (let sx = 0; sx < ss; sx++) {
          const c = sample((px + (sx + 0.5) / ss) / size, (py + (sy + 0.5) / ss) / size, opts)
          if (!c) continue
          r += c[0]; g += c[1]; b += c[2]; a += 1
        }
      }
      const i = (py * size + px) * 4
      if (a > 0) {
        out[i] = Math.round(r / a)
        out[i + 1] = Math.round(g / a)
        out[i + 2] = Math.round(b / a)
      }
      out[i + 3] = Math.round((255 * a) / (ss * ss))
    }
  }
  return png(size, out)
}

const dir = new URL('../public/icons/', import.meta.url)
mkdirSync(dir, { recursive: true })
for (const [name, size, maskable, badge = false] of [
  ['icon-192.png', 192, false],
  ['icon-512.png', 512, false],
  ['maskable-512.png', 512, true],
  ['apple-touch-icon-180.png', 180, true],
  ['badge-96.png', 96, false, true],
]) {
  writeFileSync(new URL(name, dir), draw(size, { maskable, badge }))
  console.log(`wrote public/icons/${name}`)
}
