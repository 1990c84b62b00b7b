import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The app builds against the library's source (no separate library build needed first), and
// into web/dist, which `nchat-live serve --web-root web/dist` (the default) serves at `/`.
export default defineConfig({
  plugins: [react()],
  resolve: {
    alias: {
      '@nchat-live/react/styles.css': fileURLToPath(new URL('../packages/react/src/styles.css', import.meta.url)),
      '@nchat-live/react': fileURLToPath(new URL('../packages/react/src/index.ts', import.meta.url)),
    },
  },
  build: {
    outDir: fileURLToPath(new URL('../dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
  },
  server: {
    // `npm run dev -w nchat-live-app` against a server on the default port.
    proxy: {
      '/api': { target: 'http://127.0.0.1:8080', ws: true },
      '/hls': 'http://127.0.0.1:8080',
    },
  },
});
