// Vite builds the UI into ui/dist, which tauri.conf.json embeds. No React plugin: esbuild's own
// JSX transform is enough, and it keeps the dependency tree small and installable offline.
import { defineConfig } from 'vite';

export default defineConfig({
  // Relative asset URLs work both from the dev server and from Tauri's custom protocol.
  base: './',
  clearScreen: false,
  esbuild: { jsx: 'automatic' },
  server: {
    port: 5173,
    // Tauri loads devUrl exactly; a silently chosen other port would show a blank window.
    strictPort: true,
    host: 'localhost',
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // WebKitGTK 2.40+ on the supported distributions; no need to transpile further down.
    target: 'safari16',
    // Inline nothing as data: URLs, so the CSP needs no exceptions for scripts or styles.
    assetsInlineLimit: 0,
  },
});
