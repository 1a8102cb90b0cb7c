import { packageBuild } from "../tsdown.shared.js";

export default packageBuild({
  entry: {
    index: "src/index.ts",
  },
  platform: "neutral",
});
