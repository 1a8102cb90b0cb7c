import type { StorybookConfig } from "@storybook/react-vite";

/**
 * Storybook for taskbridge: the stories under `stories/`, the a11y and docs addons, and
 * `public/` served as is so msw's service worker (`public/mockServiceWorker.js`) is reachable.
 * No @vitejs/plugin-react (Vite 8 compiles JSX itself) and the default `react-docgen`
 * (TypeScript 7 has no JS API for `react-docgen-typescript`).
 */
const config: StorybookConfig = {
  framework: { name: "@storybook/react-vite", options: {} },
  stories: ["../stories/**/*.stories.tsx"],
  addons: ["@storybook/addon-a11y", "@storybook/addon-docs"],
  staticDirs: ["../public"],
  core: { disableTelemetry: true, disableWhatsNewNotifications: true },
};

export default config;
