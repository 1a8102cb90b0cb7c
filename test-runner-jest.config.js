import { getJestConfig } from "@storybook/test-runner";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "./scripts/chromium.js";

// The test-runner's Jest configuration, ejected so it drives Debian's Chromium instead of a
// Playwright browser download, with no background networking (without these flags Chromium
// floods a closed network). Playwright refuses `--user-data-dir` in `launch()` arguments: it
// gives every launch a fresh temporary profile itself, and deletes it on close.
const testRunnerConfig = getJestConfig();

/** @type {import('@jest/types').Config.InitialOptions} */
export default {
  ...testRunnerConfig,
  testTimeout: 60000,
  testEnvironmentOptions: {
    "jest-playwright": {
      ...testRunnerConfig.testEnvironmentOptions?.["jest-playwright"],
      browsers: ["chromium"],
      launchOptions: {
        executablePath: CHROMIUM_PATH,
        headless: true,
        args: [...CHROMIUM_ARGS],
      },
    },
  },
};
