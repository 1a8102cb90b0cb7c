import type { StorybookConfig } from "@storybook/react-vite";
import { viteAliases } from "../scripts/workspaceAliases.js";

/**
 * Storybook for taskbridge: the stories under `stories/`, the a11y and docs addons, and
 * `public/` served as is so msw's service worker (`public/mockServiceWorker.js`) is reachable.
 * No @vitejs/plugin-react (Vite 8 compiles JSX itself) and the default `react-docgen`
 * (TypeScript 7 has no JS API for `react-docgen-typescript`).
 */
type Alias = { find: string | RegExp; replacement: string };

/** Vite takes `resolve.alias` as an object or an array; this gives the array form. */
const toAliasArray = (alias: unknown): Alias[] =>
  Array.isArray(alias)
    ? (alias as Alias[])
    : Object.entries((alias ?? {}) as Record<string, string>).map(([find, replacement]) => ({
        find,
        replacement,
      }));

const config: StorybookConfig = {
  framework: { name: "@storybook/react-vite", options: {} },
  stories: ["../stories/**/*.stories.tsx"],
  addons: ["@storybook/addon-a11y", "@storybook/addon-docs"],
  staticDirs: ["../public"],
  core: { disableTelemetry: true, disableWhatsNewNotifications: true },
  // The packages resolve to their sources (tsconfig.json's `paths`), so stories need no build.
  viteFinal: (vite) => ({
    ...vite,
    resolve: { ...vite.resolve, alias: [...toAliasArray(vite.resolve?.alias), ...viteAliases] },
  }),
};

export default config;
