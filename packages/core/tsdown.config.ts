import { packageBuild } from "../tsdown.shared.js";

export default packageBuild({
  entry: {
    index: "src/index.ts",
    socketIo: "src/socketIo.ts",
    reference: "src/reference.ts",
    protocol: "src/protocol.ts",
    schemas: "src/schemas.ts",
    referenceContract: "src/referenceContract.ts",
    testing: "src/testing.ts",
  },
  platform: "neutral",
  // One output file per source module (dist/ mirrors src/): with `sideEffects: false` an app's
  // bundler then drops whole modules it does not use — e.g. the zod reference contract next to
  // the reference handlers a memory-transport app imports.
  unbundle: true,
});
