// `npm start`: builds the demo and starts the whole stack, stopping all of it on Ctrl-C/SIGTERM.
// RabbitMQ reachable at AMQP_URL → live mode: the TypeScript worker and (when Python with
// aio-pika is there) the Python worker as processes, and the demo server (gateway + built demo).
// Not reachable → embedded mode: one process with the gateway on the in-memory broker and the
// TypeScript worker. Settings: PORT (8080), AMQP_URL, TASKBRIDGE_QUEUE_PREFIX,
// TASKBRIDGE_GATEWAY_ID, TASKBRIDGE_DEMO_DIST (where to build), TASKBRIDGE_DEMO_PYTHON=0 (skip it).
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createSupervisor } from "./launcher/createSupervisor.js";
import { findPython, PYTHON_CANDIDATES } from "./launcher/findPython.js";
import { printBanner } from "./launcher/printBanner.js";
import { probeAmqp, redactUrl } from "./launcher/probeAmqp.js";
import { DEFAULT_AMQP_URL, DEFAULT_DEMO_PORT } from "./server/readDemoEnv.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const READY_MS = 60_000;
const READY_LINE = /^demo ready: (\S+)/;

/** Bun from node_modules when installed; otherwise Node with tsx runs the same entry points. */
const tsRunner = (): { command: string; args: string[] } => {
  const bun = join(root, "node_modules", ".bin", "bun");
  return existsSync(bun)
    ? { command: bun, args: [] }
    : { command: process.execPath, args: ["--import", "tsx"] };
};

const supervisor = createSupervisor({ cwd: root });
process.on("SIGINT", () => void supervisor.stopAll("SIGINT", 0));
process.on("SIGTERM", () => void supervisor.stopAll("SIGTERM", 0));

const urlOf = (readyLine: string): string => READY_LINE.exec(readyLine)?.[1] ?? readyLine;

const main = async () => {
  const amqpUrl = process.env.AMQP_URL || DEFAULT_AMQP_URL;
  const queuePrefix = process.env.TASKBRIDGE_QUEUE_PREFIX ?? "";
  const distDir = resolve(process.env.TASKBRIDGE_DEMO_DIST || join(root, "demo", "dist"));
  const serverEnv = {
    PORT: process.env.PORT || String(DEFAULT_DEMO_PORT),
    AMQP_URL: amqpUrl,
    TASKBRIDGE_QUEUE_PREFIX: queuePrefix,
    TASKBRIDGE_DEMO_DIST: distDir,
  };

  console.info("taskbridge demo: building the app (vite build)…");
  const vite = join(root, "node_modules", "vite", "bin", "vite.js");
  const config = join(root, "demo", "vite.config.ts");
  const build = supervisor.launch(
    "vite",
    process.execPath,
    [vite, "build", "--config", config, "--outDir", distDir],
    {},
  );
  const built = await build.exited;
  await supervisor.retire(build);
  if (built !== 0) throw new Error(`vite build failed (${built})`);

  console.info(`taskbridge demo: looking for RabbitMQ at ${redactUrl(amqpUrl)}…`);
  const probe = await probeAmqp(amqpUrl);
  const ts = tsRunner();

  if (!probe.ok) {
    const server = supervisor.launch("embedded", ts.command, [...ts.args, "demo/server/main.ts"], {
      ...serverEnv,
      TASKBRIDGE_DEMO_MODE: "embedded",
    });
    const ready = await server.waitForLine(READY_LINE, READY_MS);
    supervisor.essential(server);
    printBanner({
      mode: "embedded",
      url: urlOf(ready),
      amqpUrl: redactUrl(amqpUrl),
      reason: probe.reason,
      python: "not started: the Python worker needs RabbitMQ",
    });
    return;
  }

  const worker = supervisor.launch(
    "worker",
    ts.command,
    [...ts.args, "packages/worker/src/main.ts"],
    {
      AMQP_URL: amqpUrl,
      TASKBRIDGE_QUEUE_PREFIX: queuePrefix,
    },
  );
  const skipPython = process.env.TASKBRIDGE_DEMO_PYTHON === "0";
  // The checkout's .venv first: docs/python.md makes one where no python3 has aio-pika.
  const python = skipPython
    ? undefined
    : findPython([join(root, ".venv", "bin", "python"), ...PYTHON_CANDIDATES]);
  let pythonStatus = skipPython
    ? "skipped (TASKBRIDGE_DEMO_PYTHON=0)"
    : "skipped: no python3 with aio-pika (apt-get install python3-aio-pika, or the .venv of docs/python.md)";
  let pythonWorker =
    python === undefined
      ? undefined
      : supervisor.launch("python", python, ["workers/python/run_reference.py"], {
          AMQP_URL: amqpUrl,
          // The demo gateway routes `py.demo.*` here (demo/server/createDemoRouting.ts).
          TASKBRIDGE_QUEUE_PREFIX: `${queuePrefix}py.`,
          PYTHONUNBUFFERED: "1",
        });
  if (pythonWorker === undefined) console.info(`taskbridge demo: Python worker ${pythonStatus}`);
  await worker.waitForLine(/^worker ready: /, READY_MS);
  supervisor.essential(worker);
  if (pythonWorker !== undefined) {
    try {
      await pythonWorker.waitForLine(/worker ready: /, READY_MS);
      pythonStatus = `running (${python})`;
    } catch (error) {
      pythonStatus = `failed to start (${error instanceof Error ? error.message : error}); see the [python] lines`;
      console.info(`taskbridge demo: Python worker ${pythonStatus}`);
      await supervisor.retire(pythonWorker);
      pythonWorker = undefined;
    }
  }
  const server = supervisor.launch("gateway", ts.command, [...ts.args, "demo/server/main.ts"], {
    ...serverEnv,
    TASKBRIDGE_DEMO_MODE: "live",
    TASKBRIDGE_DEMO_PYTHON: pythonWorker === undefined ? "0" : "1",
    TASKBRIDGE_DEMO_PYTHON_NOTE:
      pythonWorker === undefined ? `The Python worker is ${pythonStatus}.` : "",
    ...(process.env.TASKBRIDGE_GATEWAY_ID
      ? { TASKBRIDGE_GATEWAY_ID: process.env.TASKBRIDGE_GATEWAY_ID }
      : {}),
  });
  const ready = await server.waitForLine(READY_LINE, READY_MS);
  supervisor.essential(server);
  printBanner({
    mode: "live",
    url: urlOf(ready),
    amqpUrl: redactUrl(amqpUrl),
    python: pythonStatus,
  });
};

main().catch((error: unknown) => {
  console.error(`taskbridge demo: ${error instanceof Error ? error.message : String(error)}`);
  void supervisor.stopAll("failed to start", 1);
});
