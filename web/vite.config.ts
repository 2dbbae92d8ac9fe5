import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

const root = fileURLToPath(new URL('.', import.meta.url))

// The debugger lives under /ui/ on the server (`switchyard serve`): its deep links never collide with API paths.
export default defineConfig({
  root,
  base: '/ui/',
  // JSX through Vite's built-in transform (automatic runtime); no plugin needed
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: 'dist', emptyOutDir: true, assetsDir: 'assets', chunkSizeWarningLimit: 2000,
    rollupOptions: {
      // libraries' "use client" directives mean nothing in a client-only bundle
      onwarn(w, warn) { if (w.code !== 'MODULE_LEVEL_DIRECTIVE') warn(w) },
    },
  },
  worker: { format: 'es' },
  server: {
    // `npm run dev:web`: the page on Vite's dev server, the API on a `switchyard serve` at 8123
    proxy: Object.fromEntries(['/assistants', '/threads', '/runs', '/store', '/ok', '/info', '/api', '/v2', '/crons']
      .map((p) => [p, { target: 'http://127.0.0.1:8123', ws: true }])),
  },
})
