/** What the Chromium benchmark of `StreamingLog` reports. */
export type BrowserResult = {
  readonly chunks: number;
  readonly skipped?: string;
};

/** Placeholder until the Chromium bench lands. */
export const runBrowserBench = async (options: {
  readonly root: string;
  readonly chunks: number;
  readonly log: (line: string) => void;
}): Promise<BrowserResult> => ({ chunks: options.chunks, skipped: "not built yet" });
