// `npm run bench [-- --quick] [-- --only <text>] [-- --no-browser]`: measures the baseline and
// taskbridge in turn on this machine (docs/benchmarks.md) and writes bench/results/latest.json
// and latest.svg. Everything runs in a private RabbitMQ virtual host, deleted at the end.
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { runBrowserBench } from "./client/runBrowserBench.js";
import { machineInfo } from "./machineInfo.js";
import { killAll } from "./processes.js";
import { createBenchVhost } from "./rabbitVhost.js";
import { buildReport, renderChart, renderTable } from "./report.js";
import { runSystem, type SystemResult } from "./runSystem.js";
import { benchSettings } from "./settings.js";
import { benchSystems } from "./systems.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

const freePort = (): Promise<number> =>
  new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => done(typeof address === "object" && address ? address.port : 0));
    });
  });

const main = async (): Promise<void> => {
  const argv = process.argv.slice(2);
  const quick = argv.includes("--quick");
  const onlyIndex = argv.indexOf("--only");
  const only = onlyIndex >= 0 ? argv[onlyIndex + 1] : undefined;
  const browser = !argv.includes("--no-browser");
  const outIndex = argv.indexOf("--out");
  const outDir = resolve(outIndex >= 0 ? (argv[outIndex + 1] ?? "") : join(root, "bench/results"));
  const settings = benchSettings(quick);
  const baseUrl = process.env.AMQP_URL ?? "amqp://guest:guest@127.0.0.1:5672";
  const startedAt = Date.now();
  const log = (line: string): void => console.log(line);

  const runId = randomBytes(4).toString("hex");
  const vhost = await createBenchVhost(baseUrl, runId);
  let cleaned = false;
  const cleanup = async (): Promise<void> => {
    if (cleaned) return;
    cleaned = true;
    killAll();
    await vhost.remove().catch((error: unknown) => console.error(`bench: ${String(error)}`));
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      console.error(`bench: ${signal}, cleaning up`);
      void cleanup().then(() => process.exit(130));
    });
  }
  process.once("exit", killAll);

  try {
    log(`bench ${quick ? "(quick) " : ""}in RabbitMQ virtual host ${vhost.name}`);
    const systems = benchSystems(quick).filter((s) => only === undefined || s.id.includes(only));
    const results: SystemResult[] = [];
    for (const system of systems) {
      log(`${system.id}: ${system.label}`);
      const port = await freePort();
      try {
        results.push(await runSystem(system, { root, amqpUrl: vhost.url, port, settings, log }));
      } finally {
        await vhost.deleteQueues(
          system.kind === "baseline"
            ? ["demo.echo", "demo.count"]
            : ["demo.echo", "demo.count", "demo.progress", "demo.fail"],
        );
      }
    }
    const client = browser
      ? await runBrowserBench({ root, chunks: settings.browserChunks, log })
      : undefined;
    const report = buildReport({
      settings,
      machine: await machineInfo(),
      results,
      client,
      seconds: (Date.now() - startedAt) / 1000,
    });
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, "latest.json"), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(join(outDir, "latest.svg"), renderChart(report));
    log("");
    log(renderTable(report));
    log("");
    log(`wrote ${join(outDir, "latest.json")} and latest.svg in ${report.seconds.toFixed(0)} s`);
  } finally {
    await cleanup();
  }
};

main().catch((error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
  killAll();
  process.exit(1);
});
