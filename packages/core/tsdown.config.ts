import { defineConfig } from "tsdown";

// Built with `npm run build` (tsdown under Bun): ESM .js + .d.ts + source maps in dist/.
export default defineConfig({
  entry: {
    index: "src/index.ts",
    socketIo: "src/socketIo.ts",
    reference: "src/reference.ts",
    protocol: "src/protocol.ts",
    schemas: "src/schemas.ts",
    referenceContract: "src/referenceContract.ts",
    testing: "src/testing.ts",
  },
  format: "esm",
  // One output file per source module (dist/ mirrors src/): with `sideEffects: false` an app's
  // bundler then drops whole modules it does not use — e.g. the zod reference contract next to
  // the reference handlers a memory-transport app imports.
  unbundle: true,
  platform: "neutral",
  target: "es2022",
  dts: true,
  sourcemap: true,
  clean: true,
  fixedExtension: false,
  tsconfig: "tsconfig.build.json",
});
