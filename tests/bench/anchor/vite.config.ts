/**
 * Build of the bare-stack anchor page (tests/bench/anchor), with the same Vite, React plugin and
 * service-worker generation (vite-plugin-pwa, workbox generateSW) as the app's vite.config.ts:
 *   npx vite build --config tests/bench/anchor/vite.config.ts --outDir <dir> --emptyOutDir
 */
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'
import { VitePWA } from 'vite-plugin-pwa'

export default defineConfig({
  root: import.meta.dirname,
  publicDir: false,
  plugins: [
    react(),
    VitePWA({
      strategies: 'generateSW',
      registerType: 'prompt',
      injectRegister: false,
      manifest: {
        name: 'Anchor',
        short_name: 'Anchor',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        theme_color: '#1f6f5c',
        background_color: '#f6f8f7',
        icons: [],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest,ico,json}'],
        navigateFallback: '/index.html',
        navigateFallbackDenylist: [/^\/sync\//, /^\/healthz/, /^\/blobs\//],
        cleanupOutdatedCaches: true,
        clientsClaim: true,
      },
      devOptions: { enabled: false },
    }),
  ],
  build: { sourcemap: false },
})
