// The package entry points and the source files they resolve to inside this repository, for
// tools that do not read tsconfig.json's `paths` (Jest, Vite: Storybook, the demo, the bench).
// Bun and tsx read `paths` themselves. Keep in step with tsconfig.json.
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

/** Package specifier → source file, relative to the repository root. */
export const workspaceEntries = {
  "@taskbridge/core": "packages/core/src/index.ts",
  "@taskbridge/core/socket-io": "packages/core/src/socketIo.ts",
  "@taskbridge/core/reference": "packages/core/src/reference.ts",
  "@taskbridge/core/protocol": "packages/core/src/protocol.ts",
  "@taskbridge/core/schemas": "packages/core/src/schemas.ts",
  "@taskbridge/core/testing": "packages/core/src/testing.ts",
  "@taskbridge/core/reference-contract": "packages/core/src/referenceContract.ts",
  "@taskbridge/react": "packages/react/src/index.ts",
  "@taskbridge/react/taskbridge.css": "packages/react/taskbridge.css",
  "@taskbridge/broker": "packages/broker/src/index.ts",
  "@taskbridge/gateway": "packages/gateway/src/index.ts",
  "@taskbridge/worker": "packages/worker/src/index.ts",
  "@taskbridge/cli": "packages/cli/src/index.ts",
};

/** Vite's `resolve.alias`: exact matches to absolute source paths. */
export const viteAliases = Object.entries(workspaceEntries).map(([find, file]) => ({
  find: new RegExp(`^${find.replace(/[/.]/g, "\\$&")}$`),
  replacement: root + file,
}));

/** Jest's `moduleNameMapper`. */
export const jestModuleNameMapper = Object.fromEntries(
  Object.entries(workspaceEntries).map(([name, file]) => [
    `^${name.replace(/[/.]/g, "\\$&")}$`,
    `<rootDir>/${file}`,
  ]),
);
