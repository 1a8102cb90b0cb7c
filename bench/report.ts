import type { BrowserResult } from "./client/runBrowserBench.js";
import type { CpuSpent } from "./cpu.js";
import type { MachineInfo } from "./machineInfo.js";
import { renderTargets } from "./renderTargets.js";
import type { SystemResult } from "./runQueueType.js";
import type { ScaleReport } from "./runScaleOut.js";
import type { BenchSettings } from "./settings.js";
import { baselineFor, nestFor, type SystemSpec } from "./systems.js";
import { TARGETS } from "./targets.js";
import { targetVerdicts, type Verdict } from "./targetVerdicts.js";

/** Ratios of a figure to its baseline (same gateway runtime, same queue type). */
export type Ratios = {
  readonly roundTripP50: number;
  readonly roundTripP99: number;
  readonly throughput: number;
  readonly throughputP99: number;
  readonly stream: number;
  readonly memory: number;
};

/** Ratios of a taskbridge figure to NestJS's (same gateway runtime, same queue type). */
export type NestRatios = {
  readonly roundTripP50: number;
  readonly throughput: number;
  readonly stream: number;
};

export type SystemRow = SystemSpec & {
  readonly baseline: string | undefined;
  /** The NestJS system a taskbridge row is compared with, and the ratios to it. */
  readonly nest: string | undefined;
  readonly versusNest: NestRatios | undefined;
  readonly roundTripP50Ms: number;
  readonly roundTripP99Ms: number;
  readonly roundTripMeanMs: number;
  readonly throughputRps: number;
  readonly throughputP99Ms: number;
  readonly throughputErrors: number;
  readonly streamChunksPerSecond: number;
  readonly streamChunks: number;
  readonly streamInOrder: boolean;
  readonly memoryBytesPerSocket: number;
  readonly memorySockets: number;
  readonly ratios: Ratios | undefined;
  /** CPU µs per request under load and per streamed chunk, by process. */
  readonly cpuPerRequestUs: CpuSpent;
  readonly cpuPerChunkUs: CpuSpent;
};

/** `bench/results/latest.json`. */
export type BenchReport = {
  readonly version: 1;
  readonly date: string;
  readonly quick: boolean;
  readonly seconds: number;
  readonly machine: MachineInfo;
  readonly settings: BenchSettings;
  readonly targets: typeof TARGETS;
  readonly systems: readonly SystemRow[];
  readonly client: BrowserResult | undefined;
  /** Issue 15's targets checked against this run (bench/targetVerdicts.ts). */
  readonly verdicts: readonly Verdict[];
  /** 1, 2 and 3 gateways behind HAProxy on a RabbitMQ cluster, and idle sockets over them (bench/runScaleOut.ts). */
  readonly scale: ScaleReport | undefined;
};

const round = (value: number, digits = 3): number => {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
};

/**
 * Turns the measured systems into the report: one row per system with its figures and, for each
 * taskbridge and NestJS system, every figure as a ratio to the baseline measured in the same run
 * on the same gateway runtime and queue type (latency and memory: system ÷ baseline, lower is
 * better; throughput and streaming: system ÷ baseline, higher is better); taskbridge rows also
 * get their ratios to NestJS, and the report the verdict on each of issue 15's targets.
 */
export const buildReport = (input: {
  readonly settings: BenchSettings;
  readonly machine: MachineInfo;
  readonly results: readonly SystemResult[];
  readonly client: BrowserResult | undefined;
  readonly seconds: number;
  readonly scale?: ScaleReport;
}): BenchReport => {
  const specs = input.results.map((r) => r.system);
  const byId = new Map(input.results.map((r) => [r.system.id, r]));
  const systems = input.results.map((result): SystemRow => {
    const spec = result.system;
    const base =
      spec.kind !== "baseline" || spec.extra !== "none" || spec.worker !== "baseline"
        ? byId.get(baselineFor(spec, specs)?.id ?? "")
        : undefined;
    const nest = spec.kind === "taskbridge" ? byId.get(nestFor(spec, specs)?.id ?? "") : undefined;
    const ratios =
      base === undefined
        ? undefined
        : {
            roundTripP50: round(result.roundTrip.p50 / base.roundTrip.p50),
            roundTripP99: round(result.roundTrip.p99 / base.roundTrip.p99),
            throughput: round(
              result.throughput.requestsPerSecond / base.throughput.requestsPerSecond,
            ),
            throughputP99: round(result.throughput.latency.p99 / base.throughput.latency.p99),
            stream: round(result.stream.chunksPerSecond / base.stream.chunksPerSecond),
            memory: round(result.memory.bytesPerSocket / base.memory.bytesPerSocket),
          };
    const versusNest =
      nest === undefined
        ? undefined
        : {
            roundTripP50: round(result.roundTrip.p50 / nest.roundTrip.p50),
            throughput: round(
              result.throughput.requestsPerSecond / nest.throughput.requestsPerSecond,
            ),
            stream: round(result.stream.chunksPerSecond / nest.stream.chunksPerSecond),
          };
    return {
      ...spec,
      baseline: base?.system.id,
      nest: nest?.system.id,
      versusNest,
      roundTripP50Ms: round(result.roundTrip.p50),
      roundTripP99Ms: round(result.roundTrip.p99),
      roundTripMeanMs: round(result.roundTrip.mean),
      throughputRps: Math.round(result.throughput.requestsPerSecond),
      throughputP99Ms: round(result.throughput.latency.p99),
      throughputErrors: result.throughput.errors,
      streamChunksPerSecond: Math.round(result.stream.chunksPerSecond),
      streamChunks: result.stream.chunks,
      streamInOrder: result.stream.inOrder,
      memoryBytesPerSocket: Math.round(result.memory.bytesPerSocket),
      memorySockets: result.memory.sockets,
      ratios,
      cpuPerRequestUs: result.cpu.perRequestUs,
      cpuPerChunkUs: result.cpu.perChunkUs,
    };
  });
  return {
    version: 1,
    date: new Date().toISOString(),
    quick: input.settings.quick,
    seconds: round(input.seconds, 1),
    machine: input.machine,
    settings: input.settings,
    targets: TARGETS,
    systems,
    client: input.client,
    verdicts: targetVerdicts(systems, input.client),
    scale: input.scale,
  };
};

const cell = (value: string, ratio: number | undefined): string =>
  ratio === undefined ? value : `${value} (${ratio.toFixed(2)}×)`;

/**
 * The report as Markdown (what `npm run bench` prints and docs/benchmarks.md quotes): a row per
 * system, taskbridge and NestJS cells followed by their ratio to the baseline; CPU per request and
 * per chunk; StreamingLog in Chromium; then issue 15's targets, met or not, with why and the next
 * lever where not.
 */
export const renderTable = (report: BenchReport): string => {
  const header = [
    "system",
    "round trip p50 ms",
    "round trip p99 ms",
    `req/s (${report.settings.throughputInFlight} in flight)`,
    "p99 ms under load",
    `chunks/s (${report.settings.streamChunks.toLocaleString("en-US")})`,
    `KiB per idle socket (${report.settings.idleSockets.toLocaleString("en-US")})`,
  ];
  const lines = [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`];
  for (const row of report.systems) {
    const r = row.ratios;
    lines.push(
      `| ${[
        row.id,
        cell(row.roundTripP50Ms.toFixed(3), r?.roundTripP50),
        cell(row.roundTripP99Ms.toFixed(3), r?.roundTripP99),
        cell(String(row.throughputRps), r?.throughput),
        cell(row.throughputP99Ms.toFixed(1), r?.throughputP99),
        cell(
          `${row.streamChunksPerSecond}${row.streamInOrder ? "" : " OUT OF ORDER"}${
            row.streamChunks === report.settings.streamChunks
              ? ""
              : ` [${row.streamChunks.toLocaleString("en-US")} chunks]`
          }`,
          r?.stream,
        ),
        cell((row.memoryBytesPerSocket / 1024).toFixed(1), r?.memory),
      ].join(" | ")} |`,
    );
  }
  lines.push(
    "",
    "| system | CPU µs per request: gateway / worker / broker / client | CPU µs per chunk: gateway / worker / broker / client |",
    "|---|---|---|",
  );
  const cpu = (c: CpuSpent): string => [c.gateway, c.worker, c.broker, c.client].join(" / ");
  for (const row of report.systems) {
    lines.push(`| ${row.id} | ${cpu(row.cpuPerRequestUs)} | ${cpu(row.cpuPerChunkUs)} |`);
  }
  const client = report.client;
  if (client?.skipped !== undefined)
    lines.push("", `StreamingLog in Chromium: skipped (${client.skipped})`);
  if (client?.streams !== undefined) {
    lines.push(
      "",
      `| StreamingLog in Chromium ${client.chromium ?? ""}, ${client.chunks.toLocaleString("en-US")} chunks | total ms | React commits | render ms | main thread ms | long tasks (longest ms) | long tasks after 1 s (longest ms) | longest frame gap ms | longest click delay ms | responsive | scrollable |`,
      "|---|---|---|---|---|---|---|---|---|---|---|",
    );
    for (const s of client.streams) {
      lines.push(
        `| ${s.mode === "burst" ? "burst (reference demo.count)" : "paced (yields every 100 chunks)"} | ${[
          s.milliseconds.toFixed(0),
          s.commits,
          s.renderMilliseconds.toFixed(0),
          s.mainThreadMilliseconds.toFixed(0),
          `${s.longTasks} (${s.longestTaskMilliseconds.toFixed(0)})`,
          `${s.lateLongTasks} (${s.longestLateTaskMilliseconds.toFixed(0)})`,
          s.longestFrameGapMilliseconds.toFixed(0),
          s.longestClickDelayMilliseconds.toFixed(0),
          s.responsive ? "yes" : s.complete ? "no" : "no (incomplete)",
          s.scrollable ? "yes" : "no",
        ].join(" | ")} |`,
      );
    }
  }
  lines.push("", renderTargets(report.verdicts));
  return lines.join("\n");
};

export { renderChart } from "./renderChart.js";
