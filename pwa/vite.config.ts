import { resolve } from 'node:path'
import { defineConfig } from 'vite'
import { VitePWA } from 'vite-plugin-pwa'

const here = import.meta.dirname
export const THEME_COLOR = '#0f5f5a'

export default defineConfig({
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    target: 'es2020',
    // dist/.vite/manifest.json: the server finds the share reader's hashed file names there.
    manifest: true,
    rolldownOptions: {
      // Two pages: the rep app at / and the marketing console at /console/.
      // Each gets its own chunks, so console code never lands in the rep app.
      // A third entry, the customer's share page reader (pdf.js), is loaded by the
      // server-rendered page at /s/{token} (app/shares/page.py) and never by the rep app.
      input: {
        app: resolve(here, 'index.html'),
        console: resolve(here, 'console/index.html'),
        share: resolve(here, 'src/share/reader.ts'),
      },
      output: {
        // Code both pages use (Preact, login, i18n, API client) goes into one
        // "shared" chunk; everything else stays with its page. pdf.js gets a chunk of its
        // own (the rep app's collateral viewer and the share page use it), loaded on demand.
        codeSplitting: {
          groups: [
            // The compiler's few helpers (class fields), which both of those use too.
            { name: 'helpers', test: /@oxc-project\+runtime@/, priority: 2 },
            { name: 'pdfjs', test: /[\\/]pdfjs-dist[\\/]/, priority: 1 },
            { name: 'shared', minShareCount: 2 },
          ],
        },
      },
    },
  },
  server: {
    // During `npm run dev`, forward the service's paths to a local backend.
    proxy: {
      '/api': 'http://127.0.0.1:8000',
      '/healthz': 'http://127.0.0.1:8000',
      '/readyz': 'http://127.0.0.1:8000',
    },
  },
  plugins: [
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src/sw',
      filename: 'sw.ts',
      // The page registers the worker itself (src/offline/worker-bridge.ts).
      injectRegister: false,
      registerType: 'prompt',
      includeManifestIcons: false, // already matched by globPatterns
      injectManifest: {
        rollupFormat: 'iife',
        // The shell only: pages, code, styles, icons. The manifest is added by the plugin.
        globPatterns: ['**/*.{js,mjs,css,html}', 'icons/*.png'], // mjs: the pdf.js worker
        // The marketing console is a desktop, online tool: keep its code off reps' phones.
        // Nor the customer's share page reader: customers never use the rep app's worker.
        globIgnores: ['assets/console-*', 'assets/charts-*', 'assets/share-*'],
      },
      manifest: {
        name: 'Strang',
        short_name: 'Strang',
        description: 'Field sales companion: briefs, collateral and one-tap outcomes, offline.',
        lang: 'en',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        orientation: 'portrait',
        theme_color: THEME_COLOR,
        background_color: THEME_COLOR,
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
    }),
  ],
})
