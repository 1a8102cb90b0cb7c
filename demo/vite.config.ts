import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import { viteAliases } from "../scripts/workspaceAliases.js";

// The demo app: `vite build --config demo/vite.config.ts` writes demo/dist, which the demo server
// (demo/server/main.ts) serves beside the gateway. No React plugin: Vite 8 compiles TSX with the
// automatic JSX runtime on its own (TOOLCHAIN gotcha 4), so Fast Refresh is the only thing missing.
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "/",
  // The packages resolve to their sources, as in tsconfig.json's `paths`.
  resolve: { alias: viteAliases },
  logLevel: "warn",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    chunkSizeWarningLimit: 1024,
  },
});
