import type { BrowserResult } from "./client/runBrowserBench.js";
import type { SystemRow } from "./report.js";
import { BROWSER_TARGET_CHUNKS, TARGETS, type TargetId } from "./targets.js";

/** One target checked on one scope (a queue type, or a StreamingLog stream mode). */
export type Verdict = {
  /** `undefined` for a figure shown without a target (round trip p99). */
  readonly target: TargetId | undefined;
  readonly label: string;
  /** `classic` / `quorum`, or `burst` / `paced` for StreamingLog. */
  readonly scope: string;
  /** The figure as the report prints it, with what it was computed from. */
  readonly shown: string;
  /** `undefined`: not measured in this run (a system or the browser left out). */
  readonly met: boolean | undefined;
};

const QUEUE_TYPES = ["classic", "quorum"] as const;

const ratioText = (a: number, b: number, unit: string, digits = 0): string =>
  `${(a / b).toFixed(2)}× (${a.toFixed(digits)} ÷ ${b.toFixed(digits)}${unit})`;

const atMost = (value: number, max: number): boolean => value <= max;
const atLeast = (value: number, min: number): boolean => value >= min;

/**
 * Checks issue 15's targets (bench/targets.ts) against a run: for each queue type, taskbridge on
 * Bun with the TS worker against the bare bridge and NestJS on Bun, the Python worker against the
 * TS worker; for each StreamingLog stream, its main-thread time, its longest task after the first
 * second and the scroll check. A figure whose systems were not in the run is `met: undefined`.
 */
export const targetVerdicts = (
  systems: readonly SystemRow[],
  client: BrowserResult | undefined,
): Verdict[] => {
  const byId = new Map(systems.map((row) => [row.id, row]));
  const verdicts: Verdict[] = [];
  const missing = (target: TargetId | undefined, label: string, scope: string): Verdict => ({
    target,
    label,
    scope,
    shown: "not in this run",
    met: undefined,
  });
  for (const scope of QUEUE_TYPES) {
    const ts = byId.get(`taskbridge-bun-ts-${scope}`);
    const bare = byId.get(ts?.baseline ?? "");
    const nest = byId.get(`nest-bun-${scope}`);
    const py = byId.get(`taskbridge-bun-py-${scope}`);
    const both = ts !== undefined && bare !== undefined;
    const add = (
      target: TargetId | undefined,
      label: string,
      ok: boolean,
      compute: () => { shown: string; met: boolean | undefined },
    ): void => {
      verdicts.push(ok ? { target, label, scope, ...compute() } : missing(target, label, scope));
    };
    add("roundTripP50", `round trip p50 ≤ ${TARGETS.roundTripP50.max}× bare`, both, () => ({
      shown: ratioText(ts?.roundTripP50Ms ?? 0, bare?.roundTripP50Ms ?? 1, " ms", 3),
      met: atMost(
        (ts?.roundTripP50Ms ?? 0) / (bare?.roundTripP50Ms ?? 1),
        TARGETS.roundTripP50.max,
      ),
    }));
    add(undefined, "round trip p99 (no target)", both, () => ({
      shown: ratioText(ts?.roundTripP99Ms ?? 0, bare?.roundTripP99Ms ?? 1, " ms", 3),
      met: undefined,
    }));
    add("throughput", `throughput ≥ ${TARGETS.throughput.min}× bare`, both, () => ({
      shown: ratioText(ts?.throughputRps ?? 0, bare?.throughputRps ?? 1, " req/s"),
      met: atLeast((ts?.throughputRps ?? 0) / (bare?.throughputRps ?? 1), TARGETS.throughput.min),
    }));
    add(
      "throughputVsNest",
      `throughput ≥ ${TARGETS.throughputVsNest.min}× NestJS`,
      ts !== undefined && nest !== undefined,
      () => ({
        shown: ratioText(ts?.throughputRps ?? 0, nest?.throughputRps ?? 1, " req/s"),
        met: atLeast(
          (ts?.throughputRps ?? 0) / (nest?.throughputRps ?? 1),
          TARGETS.throughputVsNest.min,
        ),
      }),
    );
    add(
      undefined,
      "round trip p50 vs NestJS (no target)",
      ts !== undefined && nest !== undefined,
      () => ({
        shown: ratioText(ts?.roundTripP50Ms ?? 0, nest?.roundTripP50Ms ?? 1, " ms", 3),
        met: undefined,
      }),
    );
    add("stream", `streaming ≥ ${TARGETS.stream.min}× bare`, both, () => ({
      shown: `${ratioText(ts?.streamChunksPerSecond ?? 0, bare?.streamChunksPerSecond ?? 1, " chunks/s")}${ts?.streamInOrder === false ? " OUT OF ORDER" : ""}`,
      met:
        ts?.streamInOrder === true &&
        atLeast(
          (ts?.streamChunksPerSecond ?? 0) / (bare?.streamChunksPerSecond ?? 1),
          TARGETS.stream.min,
        ),
    }));
    add(
      undefined,
      "streaming vs NestJS (no target)",
      ts !== undefined && nest !== undefined,
      () => ({
        shown: ratioText(
          ts?.streamChunksPerSecond ?? 0,
          nest?.streamChunksPerSecond ?? 1,
          " chunks/s",
        ),
        met: undefined,
      }),
    );
    add("memory", `memory per idle socket ≤ ${TARGETS.memory.max}× bare`, both, () => ({
      shown: ratioText(
        (ts?.memoryBytesPerSocket ?? 0) / 1024,
        (bare?.memoryBytesPerSocket ?? 1024) / 1024,
        " KiB",
        1,
      ),
      met: atMost(
        (ts?.memoryBytesPerSocket ?? 0) / (bare?.memoryBytesPerSocket ?? 1),
        TARGETS.memory.max,
      ),
    }));
    add(
      "pythonThroughput",
      `Python worker req/s ≥ ${TARGETS.pythonThroughput.min}× TS worker`,
      ts !== undefined && py !== undefined,
      () => ({
        shown: ratioText(py?.throughputRps ?? 0, ts?.throughputRps ?? 1, " req/s"),
        met: atLeast(
          (py?.throughputRps ?? 0) / (ts?.throughputRps ?? 1),
          TARGETS.pythonThroughput.min,
        ),
      }),
    );
    add(
      "pythonChunksPerSecond",
      `Python worker chunks/s ≥ ${TARGETS.pythonChunksPerSecond.min.toLocaleString("en-US")}`,
      py !== undefined,
      () => ({
        shown: `${py?.streamChunksPerSecond ?? 0} chunks/s [${(py?.streamChunks ?? 0).toLocaleString("en-US")} chunks]${py?.streamInOrder === false ? " OUT OF ORDER" : ""}`,
        met:
          py?.streamInOrder === true &&
          atLeast(py?.streamChunksPerSecond ?? 0, TARGETS.pythonChunksPerSecond.min),
      }),
    );
  }
  const streams = client?.streams ?? [];
  const fewer =
    client !== undefined && client.chunks !== BROWSER_TARGET_CHUNKS
      ? ` [${client.chunks.toLocaleString("en-US")} chunks]`
      : "";
  for (const scope of ["burst", "paced"] as const) {
    const stream = streams.find((s) => s.mode === scope);
    const labels = {
      browserMainThreadMs: `StreamingLog main thread ≤ ${TARGETS.browserMainThreadMs.max.toLocaleString("en-US")} ms (100,000 chunks)`,
      browserLateTaskMs: `StreamingLog longest task after the first second ≤ ${TARGETS.browserLateTaskMs.max} ms`,
      browserScrollable: "StreamingLog scrollable after the stream (Home, wheel, End)",
    } as const;
    if (stream === undefined) {
      for (const [target, label] of Object.entries(labels) as [TargetId, string][]) {
        verdicts.push({
          ...missing(target, label, scope),
          shown: client?.skipped === undefined ? "not in this run" : `skipped (${client.skipped})`,
        });
      }
      continue;
    }
    verdicts.push(
      {
        target: "browserMainThreadMs",
        label: labels.browserMainThreadMs,
        scope,
        shown: `${stream.mainThreadMilliseconds.toFixed(0)} ms${fewer}`,
        met:
          stream.complete && atMost(stream.mainThreadMilliseconds, TARGETS.browserMainThreadMs.max),
      },
      {
        target: "browserLateTaskMs",
        label: labels.browserLateTaskMs,
        scope,
        shown:
          stream.lateLongTasks === 0
            ? `none over 50 ms${fewer}`
            : `${stream.longestLateTaskMilliseconds.toFixed(0)} ms (${stream.lateLongTasks} long tasks)${fewer}`,
        met: atMost(
          stream.lateLongTasks === 0 ? 0 : stream.longestLateTaskMilliseconds,
          TARGETS.browserLateTaskMs.max,
        ),
      },
      {
        target: "browserScrollable",
        label: labels.browserScrollable,
        scope,
        shown: stream.scrollable ? "yes" : `no (${JSON.stringify(stream.scrollCheck)})`,
        met: stream.scrollable,
      },
    );
  }
  return verdicts;
};
