import { defineConfig, type UserConfig } from "tsdown";

/**
 * The build every package shares (`npm run build`, tsdown under Bun): ESM `.js` + `.d.ts` +
 * source maps in `dist/`, ES2022, `.js` extensions (the packages are `"type": "module"`), types
 * from `tsconfig.build.json` (no `paths`: a package sees the others as their built `dist/`).
 * A package's own config names its entries, its platform and anything it does differently.
 *
 * @example
 * export default packageBuild({ entry: { index: "src/index.ts" }, platform: "node" });
 */
export const packageBuild = (
  config: Pick<UserConfig, "entry" | "platform"> & Partial<UserConfig>,
) =>
  defineConfig({
    format: "esm",
    target: "es2022",
    dts: true,
    sourcemap: true,
    clean: true,
    fixedExtension: false,
    tsconfig: "tsconfig.build.json",
    ...config,
  });
