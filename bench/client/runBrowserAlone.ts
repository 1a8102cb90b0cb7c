// `node --import tsx bench/client/runBrowserAlone.ts [chunks] [runs] [--profile]`: the Chromium scenario of
// StreamingLog on its own (no RabbitMQ, no servers), `runs` times (default 3), printing each run
// and the median and spread of each stream's main-thread time; `--profile` also logs where each
// stream's self time went (a CDP CPU profile, which slows the page: not for the figures). Figures for docs/benchmarks.md.

import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runBrowserBench } from "./runBrowserBench.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const chunks = Number(process.argv[2] ?? 100_000);
const runs = Number(process.argv[3] ?? 3);
const profile = process.argv.includes("--profile");
const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

const all = [];
for (let run = 0; run < runs; run += 1) {
  console.log(`run ${run + 1} of ${runs}`);
  all.push(await runBrowserBench({ root, chunks, profile, log: (line) => console.log(line) }));
}
for (const mode of ["burst", "paced"] as const) {
  const streams = all.flatMap((result) => result.streams?.filter((s) => s.mode === mode) ?? []);
  const main = streams.map((s) => s.mainThreadMilliseconds);
  console.log(
    `${mode}: main thread median ${median(main).toFixed(0)} ms (${Math.min(...main).toFixed(0)}–` +
      `${Math.max(...main).toFixed(0)}), long tasks after 1 s ${streams.map((s) => s.lateLongTasks).join("/")}, ` +
      `scrollable ${streams.map((s) => s.scrollable).join("/")}`,
  );
}
console.log(JSON.stringify(all));
