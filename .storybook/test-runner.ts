import type { TestRunnerConfig } from "@storybook/test-runner";

/**
 * Hooks of `test-storybook` (run by `scripts/test-stories.mjs`). Render errors and failing
 * `play` functions fail a story by themselves, and console errors do with `--failOnConsole`,
 * which the script always passes. Added here:
 * - accessibility: a story fails on an axe violation of serious or critical impact. The a11y
 *   addon already runs axe after each story (its report rides on the `storyFinished` event); we
 *   catch that report rather than run axe twice. The runner's own `a11y.test: "error"` cannot be
 *   used: it fails on every impact, and with its `impactLevels` filter it hangs a story whose
 *   violations are all filtered out (test-runner 0.24).
 * - uncaught page errors (e.g. thrown in a socket listener, outside React), which the runner
 *   would otherwise only print.
 */
type AxeViolation = {
  readonly id: string;
  readonly impact?: string | null;
  readonly help: string;
  readonly nodes: readonly { readonly target: readonly unknown[] }[];
};
type A11yCapture = { violations?: readonly AxeViolation[]; error?: unknown } | null;
type Channel = {
  on: (event: string, listener: (data: StoryFinished) => void) => void;
  off: (event: string, listener: (data: StoryFinished) => void) => void;
};
type StoryFinished = {
  storyId: string;
  reporters?: { type: string; result?: A11yCapture }[];
};
type PreviewWindow = {
  __STORYBOOK_ADDONS_CHANNEL__?: Channel;
  __taskbridgeA11y?: A11yCapture;
};

const FAILING_IMPACTS = new Set(["serious", "critical"]);

const pageErrors = new WeakMap<object, string[]>();

const config: TestRunnerConfig = {
  async preVisit(page, context) {
    let errors = pageErrors.get(page);
    if (errors === undefined) {
      const list: string[] = [];
      errors = list;
      pageErrors.set(page, list);
      page.on("pageerror", (error) => list.push(error.message));
    }
    errors.length = 0;
    await page.evaluate((storyId) => {
      const w = window as unknown as PreviewWindow;
      w.__taskbridgeA11y = undefined;
      const channel = w.__STORYBOOK_ADDONS_CHANNEL__;
      if (channel === undefined) return;
      const listener = (data: StoryFinished): void => {
        if (data.storyId !== storyId) return;
        channel.off("storyFinished", listener);
        w.__taskbridgeA11y = data.reporters?.find((r) => r.type === "a11y")?.result ?? null;
      };
      channel.on("storyFinished", listener);
    }, context.id);
  },
  async postVisit(page, context) {
    const errors = pageErrors.get(page) ?? [];
    if (errors.length > 0) {
      throw new Error(`${context.id}: uncaught error in the page: ${errors.join("; ")}`);
    }
    const report = await page.evaluate(
      () => (window as unknown as PreviewWindow).__taskbridgeA11y ?? null,
    );
    if (report?.error !== undefined) {
      throw new Error(`${context.id}: axe could not run: ${JSON.stringify(report.error)}`);
    }
    const failing = (report?.violations ?? []).filter((v) => FAILING_IMPACTS.has(v.impact ?? ""));
    if (failing.length > 0) {
      const lines = failing.map(
        (v) =>
          `- ${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
      );
      throw new Error(
        `${context.id}: ${failing.length} serious/critical accessibility violation(s):\n${lines.join("\n")}`,
      );
    }
  },
};

export default config;
