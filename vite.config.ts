/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { precompressDir } from './server/http/precompress.ts';

// y-monaco imports `monaco-editor/esm/vs/...`, which monaco >= 0.56's exports map no longer resolves.
const monacoEsm = fileURLToPath(new URL('./node_modules/monaco-editor/esm/vs/', import.meta.url));

export default defineConfig({
  root: 'client',
  publicDir: false,
  plugins: [
    react(),
    {
      // .gz/.br copies beside the built files, served by server/http/staticClient.ts.
      name: 'madang-precompress',
      apply: 'build',
      async writeBundle(options) {
        if (options.dir) await precompressDir(options.dir);
      },
    },
  ],
  resolve: { alias: [{ find: /^monaco-editor\/esm\/vs\//, replacement: monacoEsm }] },
  worker: { format: 'es' },
  server: {
    proxy: {
      '/api': 'http://localhost:8787',
      '/collab': { target: 'ws://localhost:8787', ws: true },
    },
  },
  build: {
    outDir: '../dist/client',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 5000,
    rolldownOptions: {
      output: {
        codeSplitting: {
          // Without this, Vite's preload helper lands in the monaco group and every page loads Monaco.
          includeDependenciesRecursively: false,
          groups: [
            { name: 'monaco', test: /node_modules[\\/]monaco-editor/ },
            // y-monaco imports Monaco, so it stays out of this group: the notebook page must not pull Monaco in
            // through the yjs chunk before any SQL editor mounts.
            { name: 'yjs', test: /node_modules[\\/](yjs|y-websocket|y-protocols|y-indexeddb|lib0)[\\/]/ },
          ],
        },
      },
    },
  },
  test: {
    root: '.',
    projects: [
      {
        extends: true,
        test: { name: 'node', root: '.', environment: 'node', include: ['test/**/*.test.ts'], exclude: ['test/e2e/**', 'test/**/*.dom.test.ts'] },
      },
      {
        extends: true,
        test: { name: 'dom', root: '.', environment: 'jsdom', include: ['test/**/*.dom.test.{ts,tsx}'] },
      },
      {
        extends: true,
        test: {
          name: 'e2e', root: '.', environment: 'node', include: ['test/e2e/**/*.e2e.ts'],
          testTimeout: 120_000, hookTimeout: 180_000, fileParallelism: false,
        },
      },
    ],
  },
});
