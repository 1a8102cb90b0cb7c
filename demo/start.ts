// `npm start`: builds the demo and starts the whole stack, stopping all of it on Ctrl-C/SIGTERM.
// RabbitMQ reachable at AMQP_URL → live mode: the TypeScript worker and (when Python with
// aio-pika is there) the Python worker as processes, and the demo server (gateway + built demo).
// Not reachable → embedded mode: one process with the gateway on the in-memory broker and the
// TypeScript worker. Settings: PORT (8080), AMQP_URL, TASKBRIDGE_QUEUE_PREFIX,
// TASKBRIDGE_GATEWAY_ID, TASKBRIDGE_DEMO_DIST (where to build), TASKBRIDGE_DEMO_PYTHON=0 (skip it).
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { findPython } from "./launcher/findPython.js";
import { printBanner } from "./launcher/printBanner.js";
import { probeAmqp, redactUrl } from "./launcher/probeAmqp.js";
import { type Child, startChild } from "./launcher/startChild.js";
import { DEFAULT_AMQP_URL, DEFAULT_DEMO_PORT } from "./server/readDemoEnv.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const READY_MS = 60_000;

/** Bun from node_modules when installed; otherwise Node with tsx runs the same entry points. */
const tsRunner = (): { command: string; args: string[] } => {
  const bun = join(root, "node_modules", ".bin", "bun");
  return existsSync(bun)
    ? { command: bun, args: [] }
    : { command: process.execPath, args: ["--import", "tsx"] };
};

const children: Child[] = [];
let stopping: Promise<void> | undefined;
let stopAll = (_reason: string, exitCode: number): Promise<void> => {
  process.exit(exitCode);
};

const main = async () => {
  const amqpUrl = process.env.AMQP_URL || DEFAULT_AMQP_URL;
  const port = process.env.PORT || String(DEFAULT_DEMO_PORT);
  const queuePrefix = process.env.TASKBRIDGE_QUEUE_PREFIX ?? "";
  const distDir = resolve(process.env.TASKBRIDGE_DEMO_DIST || join(root, "demo", "dist"));

  stopAll = (reason: string, exitCode: number): Promise<void> => {
    stopping ??= (async () => {
      console.info(`\ntaskbridge demo: ${reason}, stopping everything…`);
      // The gateway first (it drains), then the workers finish what they hold.
      const [server, ...workers] = [...children].reverse();
      if (server !== undefined) await server.stop();
      await Promise.all(workers.map((child) => child.stop()));
      console.info("taskbridge demo: stopped.");
      process.exit(exitCode);
    })();
    return stopping;
  };
  process.on("SIGINT", () => void stopAll("SIGINT", 0));
  process.on("SIGTERM", () => void stopAll("SIGTERM", 0));

  const launch = (name: string, command: string, args: string[], env: NodeJS.ProcessEnv) => {
    const child = startChild({ name, command, args, cwd: root, env: { ...process.env, ...env } });
    children.push(child);
    return child;
  };
  const essential = (child: Child) =>
    child.exited.then((code) => {
      if (!stopping) void stopAll(`${child.name} exited (${code})`, 1);
    });

  console.info("taskbridge demo: building the app (vite build)…");
  const build = launch(
    "vite",
    process.execPath,
    [
      join(root, "node_modules", "vite", "bin", "vite.js"),
      "build",
      "--config",
      join(root, "demo", "vite.config.ts"),
      "--outDir",
      distDir,
    ],
    {},
  );
  const built = await build.exited;
  children.splice(children.indexOf(build), 1);
  if (built !== 0) throw new Error(`vite build failed (${built})`);

  console.info(`taskbridge demo: looking for RabbitMQ at ${redactUrl(amqpUrl)}…`);
  const probe = await probeAmqp(amqpUrl);
  const ts = tsRunner();
  const serverEnv = {
    PORT: port,
    AMQP_URL: amqpUrl,
    TASKBRIDGE_QUEUE_PREFIX: queuePrefix,
    TASKBRIDGE_DEMO_DIST: distDir,
  };

  if (!probe.ok) {
    const server = launch("embedded", ts.command, [...ts.args, "demo/server/main.ts"], {
      ...serverEnv,
      TASKBRIDGE_DEMO_MODE: "embedded",
    });
    const ready = await server.waitForLine(/^demo ready: /, READY_MS);
    void essential(server);
    printBanner({
      mode: "embedded",
      url: ready.replace(/^demo ready: (\S+).*$/, "$1"),
      amqpUrl: redactUrl(amqpUrl),
      reason: probe.reason,
      python: "skipped: the Python worker needs RabbitMQ",
    });
    return;
  }

  const worker = launch("worker", ts.command, [...ts.args, "workers/main.ts"], {
    AMQP_URL: amqpUrl,
    TASKBRIDGE_QUEUE_PREFIX: queuePrefix,
  });
  const python = process.env.TASKBRIDGE_DEMO_PYTHON === "0" ? undefined : findPython();
  let pythonStatus: string;
  let pythonChild: Child | undefined;
  if (python === undefined) {
    pythonStatus =
      process.env.TASKBRIDGE_DEMO_PYTHON === "0"
        ? "skipped (TASKBRIDGE_DEMO_PYTHON=0)"
        : "skipped: no python3 with aio-pika (apt-get install python3-aio-pika, or pip install aio-pika)";
    console.info(`taskbridge demo: Python worker ${pythonStatus}`);
  } else {
    pythonChild = launch("python", python, ["workers/python/run_reference.py"], {
      AMQP_URL: amqpUrl,
      TASKBRIDGE_QUEUE_PREFIX: `${queuePrefix}py.`,
      PYTHONUNBUFFERED: "1",
    });
    pythonStatus = `running (${python})`;
  }
  await worker.waitForLine(/^worker ready: /, READY_MS);
  void essential(worker);
  if (pythonChild !== undefined) {
    try {
      await pythonChild.waitForLine(/worker ready: /, READY_MS);
    } catch (error) {
      pythonStatus = `failed to start (${error instanceof Error ? error.message : error}): see the [python] lines`;
      console.info(`taskbridge demo: Python worker ${pythonStatus}`);
      await pythonChild.stop();
      children.splice(children.indexOf(pythonChild), 1);
      pythonChild = undefined;
    }
  }
  const server = launch("gateway", ts.command, [...ts.args, "demo/server/main.ts"], {
    ...serverEnv,
    TASKBRIDGE_DEMO_MODE: "live",
    TASKBRIDGE_DEMO_PYTHON: pythonChild === undefined ? "0" : "1",
    TASKBRIDGE_DEMO_PYTHON_NOTE:
      pythonChild === undefined ? `The Python worker is ${pythonStatus}.` : "",
    ...(process.env.TASKBRIDGE_GATEWAY_ID
      ? { TASKBRIDGE_GATEWAY_ID: process.env.TASKBRIDGE_GATEWAY_ID }
      : {}),
  });
  const ready = await server.waitForLine(/^demo ready: /, READY_MS);
  void essential(server);
  printBanner({
    mode: "live",
    url: ready.replace(/^demo ready: (\S+).*$/, "$1"),
    amqpUrl: redactUrl(amqpUrl),
    python: pythonStatus,
  });
};

main().catch((error: unknown) => {
  console.error(`taskbridge demo: ${error instanceof Error ? error.message : String(error)}`);
  void stopAll("failed to start", 1);
});
