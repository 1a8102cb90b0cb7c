import { defineConfig } from "tsdown";

// Built with `npm run build` (tsdown under Bun): ESM .js + .d.ts + source maps in dist/.
export default defineConfig({
  entry: {
    index: "src/index.ts",
  },
  format: "esm",
  platform: "node",
  target: "es2022",
  dts: true,
  sourcemap: true,
  clean: true,
  fixedExtension: false,
  tsconfig: "tsconfig.build.json",
});
