import type { BrowserResult } from "./client/runBrowserBench.js";
import type { SystemRow } from "./report.js";
import { BROWSER_TARGET_CHUNKS, TARGETS, type TargetId } from "./targets.js";

/** One target checked on one scope (a queue type, or a StreamingLog stream mode). */
export type Verdict = {
  /** `undefined` for a figure shown without a target (round trip p99, ratios to NestJS). */
  readonly target: TargetId | undefined;
  readonly label: string;
  /** `classic` / `quorum`, or `burst` / `paced` for StreamingLog. */
  readonly scope: string;
  /** The figure as the report prints it, with what it was computed from. */
  readonly shown: string;
  /** `undefined`: no target, or not measured in this run (a system or the browser left out). */
  readonly met: boolean | undefined;
};

type Limit = { readonly min: number } | { readonly max: number };

const within = (value: number, limit: Limit): boolean =>
  "min" in limit ? value >= limit.min : value <= limit.max;

const limitOf = (limit: Limit): number => ("min" in limit ? limit.min : limit.max);

/** Two figures of this run to divide (`a ÷ b`), as the report prints them. */
type Pair = {
  readonly a: number;
  readonly b: number;
  readonly unit: string;
  readonly digits: number;
};

/**
 * `a ÷ b` as "1.24× (1.346 ÷ 1.087 ms)"; three decimals where two would read as the target's
 * limit itself (1.498× is not ≥ 1.5×).
 */
const ratioText = ({ a, b, unit, digits }: Pair, limit?: number): string => {
  const ratio = a / b;
  const near = limit !== undefined && ratio.toFixed(2) === limit.toFixed(2) && ratio !== limit;
  return `${ratio.toFixed(near ? 3 : 2)}× (${a.toFixed(digits)} ÷ ${b.toFixed(digits)}${unit})`;
};

const NOT_IN_RUN = "not in this run";

/**
 * A ratio's verdict on one scope: `pair` undefined when its systems were not in the run; `exact`
 * false when the stream behind it was not exact (then the target is not met, whatever the ratio).
 */
const ratioVerdict = (
  target: keyof typeof TARGETS | undefined,
  label: string,
  scope: string,
  pair: Pair | undefined,
  exact = true,
): Verdict => {
  if (pair === undefined) return { target, label, scope, shown: NOT_IN_RUN, met: undefined };
  const limit: Limit | undefined = target === undefined ? undefined : TARGETS[target];
  const shown = `${ratioText(pair, limit === undefined ? undefined : limitOf(limit))}${exact ? "" : " NOT EXACT"}`;
  const met = limit === undefined ? undefined : exact && within(pair.a / pair.b, limit);
  return { target, label, scope, shown, met };
};

/** The figures of rows `x` and `y` to divide, when both were measured. */
const pairOf = (
  x: SystemRow | undefined,
  y: SystemRow | undefined,
  figure: (row: SystemRow) => number,
  unit: string,
  digits = 0,
): Pair | undefined =>
  x === undefined || y === undefined ? undefined : { a: figure(x), b: figure(y), unit, digits };

const systemVerdicts = (systems: readonly SystemRow[], scope: "classic" | "quorum"): Verdict[] => {
  const byId = new Map(systems.map((row) => [row.id, row]));
  const ts = byId.get(`taskbridge-bun-ts-${scope}`);
  const bare = byId.get(ts?.baseline ?? "");
  const nest = byId.get(`nest-bun-${scope}`);
  // The bare bridge with the protocol's own steps (confirms, `accepted`, ack after the confirm).
  const floor = byId.get(`baseline+confirms-bun-${scope}`);
  const py = byId.get(`taskbridge-bun-py-${scope}`);
  const rtt = (row: SystemRow) => row.roundTripP50Ms;
  const rps = (row: SystemRow) => row.throughputRps;
  const chunks = (row: SystemRow) => row.streamChunksPerSecond;
  const T = TARGETS;
  const pyChunks = T.pythonChunksPerSecond.min;
  return [
    ratioVerdict(
      "roundTripP50",
      `round trip p50 ≤ ${T.roundTripP50.max}× bare`,
      scope,
      pairOf(ts, bare, rtt, " ms", 3),
    ),
    ratioVerdict(
      undefined,
      "round trip p50: the protocol's steps alone, bare + confirms ÷ bare (no target)",
      scope,
      pairOf(floor, bare, rtt, " ms", 3),
    ),
    ratioVerdict(
      undefined,
      "round trip p50 vs bare + confirms (no target)",
      scope,
      pairOf(ts, floor, rtt, " ms", 3),
    ),
    ratioVerdict(
      undefined,
      "round trip p99 (no target)",
      scope,
      pairOf(ts, bare, (row) => row.roundTripP99Ms, " ms", 3),
    ),
    ratioVerdict(
      "throughput",
      `throughput ≥ ${T.throughput.min}× bare`,
      scope,
      pairOf(ts, bare, rps, " req/s"),
    ),
    ratioVerdict(
      "throughputVsNest",
      `throughput ≥ ${T.throughputVsNest.min}× NestJS`,
      scope,
      pairOf(ts, nest, rps, " req/s"),
    ),
    ratioVerdict(
      undefined,
      "round trip p50 vs NestJS (no target)",
      scope,
      pairOf(ts, nest, rtt, " ms", 3),
    ),
    ratioVerdict(
      "stream",
      `streaming ≥ ${T.stream.min}× bare`,
      scope,
      pairOf(ts, bare, chunks, " chunks/s"),
      ts?.streamInOrder !== false && bare?.streamInOrder !== false,
    ),
    ratioVerdict(
      undefined,
      "streaming vs NestJS (no target)",
      scope,
      pairOf(ts, nest, chunks, " chunks/s"),
    ),
    ratioVerdict(
      "memory",
      `memory per idle socket ≤ ${T.memory.max}× bare`,
      scope,
      pairOf(ts, bare, (row) => row.memoryBytesPerSocket / 1024, " KiB", 1),
    ),
    ratioVerdict(
      "pythonThroughput",
      `Python worker req/s ≥ ${T.pythonThroughput.min}× TS worker`,
      scope,
      pairOf(py, ts, rps, " req/s"),
    ),
    py === undefined
      ? {
          target: "pythonChunksPerSecond",
          label: `Python worker chunks/s ≥ ${pyChunks.toLocaleString("en-US")}`,
          scope,
          shown: NOT_IN_RUN,
          met: undefined,
        }
      : {
          target: "pythonChunksPerSecond",
          label: `Python worker chunks/s ≥ ${pyChunks.toLocaleString("en-US")}`,
          scope,
          shown: `${py.streamChunksPerSecond} chunks/s [${py.streamChunks.toLocaleString("en-US")} chunks]${py.streamInOrder ? "" : " NOT EXACT"}`,
          met: py.streamInOrder && py.streamChunksPerSecond >= pyChunks,
        },
  ];
};

const BROWSER_LABELS = {
  browserMainThreadMs: `StreamingLog main thread ≤ ${TARGETS.browserMainThreadMs.max.toLocaleString("en-US")} ms (100,000 chunks)`,
  browserLateTaskMs: `StreamingLog longest task after the first second ≤ ${TARGETS.browserLateTaskMs.max} ms`,
  browserScrollable: "StreamingLog scrollable after the stream (Home, wheel, End)",
} as const;

const browserVerdicts = (
  client: BrowserResult | undefined,
  scope: "burst" | "paced",
): Verdict[] => {
  const stream = client?.streams?.find((s) => s.mode === scope);
  if (stream === undefined) {
    const shown = client?.skipped === undefined ? NOT_IN_RUN : `skipped (${client.skipped})`;
    return (Object.keys(BROWSER_LABELS) as (keyof typeof BROWSER_LABELS)[]).map((target) => ({
      target,
      label: BROWSER_LABELS[target],
      scope,
      shown,
      met: undefined,
    }));
  }
  // The targets are for 100,000 chunks: a shorter run says how many it streamed.
  const fewer =
    client?.chunks === BROWSER_TARGET_CHUNKS
      ? ""
      : ` [${(client?.chunks ?? 0).toLocaleString("en-US")} chunks]`;
  const late = stream.lateLongTasks === 0 ? 0 : stream.longestLateTaskMilliseconds;
  return [
    {
      target: "browserMainThreadMs",
      label: BROWSER_LABELS.browserMainThreadMs,
      scope,
      shown: `${stream.mainThreadMilliseconds.toFixed(0)} ms${fewer}${stream.complete ? "" : " INCOMPLETE"}`,
      met: stream.complete && stream.mainThreadMilliseconds <= TARGETS.browserMainThreadMs.max,
    },
    {
      target: "browserLateTaskMs",
      label: BROWSER_LABELS.browserLateTaskMs,
      scope,
      shown:
        late === 0
          ? `none over 50 ms${fewer}`
          : `${late.toFixed(0)} ms (${stream.lateLongTasks} long tasks)${fewer}`,
      met: late <= TARGETS.browserLateTaskMs.max,
    },
    {
      target: "browserScrollable",
      label: BROWSER_LABELS.browserScrollable,
      scope,
      shown: stream.scrollable ? "yes" : `no (${JSON.stringify(stream.scrollCheck)})`,
      met: stream.scrollable,
    },
  ];
};

/**
 * Checks issue 15's targets (bench/targets.ts) against a run: for each queue type, taskbridge on
 * Bun with the TS worker against the bare bridge and NestJS on Bun, the Python worker against the
 * TS worker; for each StreamingLog stream, its main-thread time, its longest task after the first
 * second and the scroll check. A figure whose systems were not in the run is `met: undefined`.
 */
export const targetVerdicts = (
  systems: readonly SystemRow[],
  client: BrowserResult | undefined,
): Verdict[] => [
  ...systemVerdicts(systems, "classic"),
  ...systemVerdicts(systems, "quorum"),
  ...browserVerdicts(client, "burst"),
  ...browserVerdicts(client, "paced"),
];
