// `npm run bench [-- --quick [--python] | --ladder | --smoke | --scale] [--only <text>] [--no-browser] [--no-scale] [--out <dir>]`:
// measures the baseline and taskbridge on this machine (docs/benchmarks.md) and writes latest.json
// and latest.svg to bench/results; the full run (and `--scale` alone) adds the scale-out section on
// a throwaway 3-node RabbitMQ cluster. Everything else runs in private RabbitMQ virtual hosts,
// deleted at the end.
import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { runBrowserBench } from "./client/runBrowserBench.js";
import { listenerPid } from "./cpu.js";
import { machineInfo } from "./machineInfo.js";
import { killAll } from "./processes.js";
import { type BenchVhost, createBenchVhosts } from "./rabbitVhost.js";
import { renderScale } from "./renderScale.js";
import { buildReport, renderChart, renderTable } from "./report.js";
import { runQueueType, type SystemResult } from "./runQueueType.js";
import { runScaleOut, type ScaleReport } from "./runScaleOut.js";
import type { MemoryResult } from "./scenarios.js";
import { benchSettings, SMOKE_SETTINGS, scaleSettings } from "./settings.js";
import { benchSystems, type GroupId, ladderSystems } from "./systems.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

const option = (argv: readonly string[], name: string): string | undefined => {
  const index = argv.indexOf(name);
  return index >= 0 ? argv[index + 1] : undefined;
};

/**
 * The load generator holds thousands of sockets in this process; Node cannot raise its own limit
 * on open files, so a low limit re-runs the bench under `ulimit -n` (at most the hard limit).
 */
const ensureOpenFiles = (needed: number): boolean => {
  if (process.env.TASKBRIDGE_BENCH_REEXEC === "1") return false;
  const soft = Number(execFileSync("bash", ["-c", "ulimit -n"], { encoding: "utf8" }).trim());
  if (!Number.isFinite(soft) || soft >= needed) return false;
  const result = spawnSync(
    "bash",
    [
      "-c",
      `ulimit -n ${needed} 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$0" "$@"`,
      process.execPath,
      ...process.execArgv,
      ...process.argv.slice(1),
    ],
    { stdio: "inherit", env: { ...process.env, TASKBRIDGE_BENCH_REEXEC: "1" } },
  );
  process.exit(result.status ?? 1);
};

const main = async (): Promise<void> => {
  const argv = process.argv.slice(2);
  const smoke = argv.includes("--smoke");
  const quick = smoke || argv.includes("--quick");
  const only = option(argv, "--only");
  const browser = !argv.includes("--no-browser");
  // Only the full run and the ladder land in bench/results (committed, quoted by the docs); the
  // short modes write to bench/results/quick.tmp, which git ignores.
  const outDir = resolve(
    option(argv, "--out") ??
      join(root, "bench/results", quick && !argv.includes("--ladder") ? "quick.tmp" : ""),
  );
  const settings = smoke ? SMOKE_SETTINGS : benchSettings(quick);
  const ladder = argv.includes("--ladder");
  // `--scale` runs the scale-out section alone; the full run and `--smoke` add it to the rest.
  const scaleOnly = argv.includes("--scale");
  const scale =
    scaleOnly || smoke || (!quick && !ladder && only === undefined && !argv.includes("--no-scale"))
      ? scaleSettings(smoke ? "smoke" : quick ? "quick" : "full")
      : undefined;
  // This process holds the load generator's sockets (HAProxy, which holds two descriptors per
  // proxied socket, is split over as many processes as the hard limit needs: startScaleTopology).
  ensureOpenFiles(
    Math.max(settings.idleSockets * 2, scale === undefined ? 0 : scale.idleSockets) + 2_000,
  );

  const baseUrl = process.env.AMQP_URL ?? "amqp://guest:guest@127.0.0.1:5672";
  const startedAt = Date.now();
  const log = (line: string): void =>
    console.log(`[${((Date.now() - startedAt) / 1000).toFixed(1).padStart(5)} s] ${line}`);
  const systems = (
    ladder ? ladderSystems() : benchSystems(quick, argv.includes("--python"))
  ).filter(
    (s) =>
      !scaleOnly &&
      (only === undefined || s.id.includes(only)) &&
      (!smoke || s.queueType === "classic"),
  );

  const vhosts: BenchVhost[] = [];
  // The scale-out section's HAProxy and throwaway cluster (not process groups of killAll's).
  const disposers: (() => Promise<void>)[] = [];
  let cleaned = false;
  const cleanup = async (): Promise<void> => {
    if (cleaned) return;
    cleaned = true;
    killAll();
    await Promise.all(disposers.map((dispose) => dispose().catch(() => undefined)));
    await Promise.all(
      vhosts.map((vhost) =>
        vhost.remove().catch((error: unknown) => console.error(`bench: ${String(error)}`)),
      ),
    );
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      console.error(`bench: ${signal}, cleaning up`);
      void cleanup().then(() => process.exit(130));
    });
  }
  process.once("exit", killAll);

  try {
    const runId = randomBytes(4).toString("hex");
    const groups: string[] = [...new Set(systems.map((s) => s.group))];
    if (scale?.broker === "shared") groups.push("scale");
    const [byGroup, machine, brokerPid] = await Promise.all([
      groups.length === 0
        ? Promise.resolve({} as Record<string, BenchVhost>)
        : createBenchVhosts(baseUrl, runId, groups),
      machineInfo(join(root, "node_modules", ".bin", "bun"), baseUrl),
      listenerPid(Number(new URL(baseUrl).port || 5672)),
    ]);
    vhosts.push(...Object.values<BenchVhost>(byGroup));
    log(
      `bench${quick ? " (quick)" : ""}: ${systems.length} systems${scale === undefined ? "" : " and the scale-out section"}, virtual hosts ${vhosts.map((v) => v.name).join(", ") || "none"}`,
    );
    const results: SystemResult[] = [];
    const memory = new Map<string, MemoryResult>();
    for (const queueType of ["classic", "quorum"] as const) {
      const ofType = systems.filter((s) => s.queueType === queueType);
      if (ofType.length === 0) continue;
      log(`${queueType} queues: ${ofType.map((s) => s.id).join(", ")}`);
      results.push(
        ...(await runQueueType(ofType, {
          root,
          vhosts: byGroup as Record<GroupId, BenchVhost>,
          settings,
          brokerPid,
          log,
          memory,
        })),
      );
    }
    let scaleReport: ScaleReport | undefined;
    if (scale !== undefined) {
      log(
        `scale-out: ${scale.broker === "cluster" ? "forming a 3-node RabbitMQ cluster" : "on the shared node"}`,
      );
      scaleReport = await runScaleOut({
        root,
        settings: scale,
        runId,
        sharedUrl: byGroup.scale?.url ?? baseUrl,
        log,
        track: (dispose) => disposers.push(dispose),
      });
      log(`scale-out done in ${scaleReport.seconds.toFixed(0)} s`);
    }
    if (scaleOnly && scaleReport !== undefined) {
      mkdirSync(outDir, { recursive: true });
      const file = join(outDir, "scale.json");
      const only = { version: 1, date: new Date().toISOString(), machine, scale: scaleReport };
      writeFileSync(file, `${JSON.stringify(only, null, 2)}\n`);
      console.log(`\n${renderScale(scaleReport)}\n`);
      log(`wrote ${file}`);
      return;
    }
    const client =
      browser && !ladder
        ? await runBrowserBench({ root, chunks: settings.browserChunks, log })
        : undefined;
    const report = buildReport({
      scale: scaleReport,
      settings,
      machine,
      results,
      client,
      seconds: (Date.now() - startedAt) / 1000,
    });
    mkdirSync(outDir, { recursive: true });
    const name = ladder ? "ladder" : "latest";
    writeFileSync(join(outDir, `${name}.json`), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(join(outDir, `${name}.svg`), renderChart(report));
    console.log(`\n${renderTable(report)}\n`);
    if (scaleReport !== undefined) console.log(`${renderScale(scaleReport)}\n`);
    log(`wrote ${join(outDir, name)}.json and .svg in ${report.seconds.toFixed(0)} s`);
  } finally {
    await cleanup();
  }
};

main().catch((error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
  killAll();
  process.exit(1);
});
