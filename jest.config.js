// Two projects: React code runs in a jsdom that msw can live in (jest-fixed-jsdom);
// everything else runs in Node. The packages resolve to their sources (scripts/workspaceAliases.js).
import { jestModuleNameMapper } from "./scripts/workspaceAliases.js";

// @swc/jest compiles TypeScript to CommonJS for Jest.
const swc = [
  "@swc/jest",
  {
    jsc: {
      parser: { syntax: "typescript", tsx: true },
      transform: { react: { runtime: "automatic" } },
      target: "es2022",
    },
    module: { type: "commonjs" },
  },
];

const common = {
  transform: { "^.+\\.(t|j)sx?$": swc },
  transformIgnorePatterns: [
    "/node_modules/(?!(msw|rettime|until-async|@mswjs/socket\\.io-binding|@open-draft|storybook|@storybook)/)",
  ],
  moduleNameMapper: { ...jestModuleNameMapper, "^(\\.{1,2}/.*)\\.js$": "$1" },
  testPathIgnorePatterns: ["/node_modules/", "/storybook-static/", "/workers/python/", "/dist/"],
  modulePathIgnorePatterns: ["<rootDir>/packages/[^/]+/dist/"],
};

export default {
  testTimeout: 30000,
  projects: [
    {
      ...common,
      displayName: "dom",
      testEnvironment: "jest-fixed-jsdom",
      testMatch: ["<rootDir>/**/*.test.tsx"],
      setupFilesAfterEnv: ["<rootDir>/test/setup-dom.ts"],
    },
    {
      ...common,
      displayName: "node",
      testEnvironment: "node",
      testMatch: ["<rootDir>/**/*.test.ts"],
    },
  ],
};
