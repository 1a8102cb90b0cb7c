// How every tool of this repository launches Debian's Chromium (the Storybook test-runner, the
// demo end-to-end test, the browser benchmark): one place for the binary and its flags. Plain
// JavaScript (ESM, typed by chromium.d.ts) so the JS test-runner config can import it too.

/**
 * The Chromium binary: `$CHROMIUM_PATH` when set, Debian's `/usr/bin/chromium` otherwise
 * (Playwright's own browser download is not used on this machine).
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/**
 * Launch flags for a headless, sandbox-less run with no background networking: without them
 * Chromium floods a closed network (QUIC, component updates, sync). Pass them as `args` to
 * Playwright's `launch()` / `launchPersistentContext()`; Playwright itself refuses
 * `--user-data-dir` here (use `launchPersistentContext` for a profile directory).
 */
export const CHROMIUM_ARGS = Object.freeze([
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
]);
