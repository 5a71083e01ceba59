import { resolve } from 'node:path';
import { defineConfig } from 'vite';

const gateway = process.env.VIGIL_GATEWAY_URL ?? 'http://127.0.0.1:8080';

/** The web console: built into <repo>/dist/web, which the gateway serves at `/`. */
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  build: {
    outDir: resolve(import.meta.dirname, '../../dist/web'),
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
  },
  server: {
    proxy: {
      '/api': gateway,
      '/socket.io': { target: gateway, ws: true },
    },
  },
});
