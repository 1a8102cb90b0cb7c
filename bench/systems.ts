import { existsSync } from "node:fs";
import { join } from "node:path";

export type QueueType = "classic" | "quorum";
export type Runtime = "bun" | "node";

/** One system under test: which gateway on which runtime, which worker, which queue type. */
export type SystemSpec = {
  /** e.g. `taskbridge-bun-ts-quorum`. */
  readonly id: string;
  readonly label: string;
  readonly kind: "baseline" | "taskbridge";
  readonly gatewayRuntime: Runtime;
  readonly worker: "baseline" | "typescript" | "python";
  readonly queueType: QueueType;
};

/** A command line to spawn. */
export type Command = { readonly command: string; readonly args: readonly string[] };

/** What it takes to start one system: its worker, then its gateway, with their ready lines. */
export type SystemCommands = {
  readonly worker: Command & { readonly env: Record<string, string>; readonly ready: RegExp };
  readonly gateway: Command & { readonly env: Record<string, string>; readonly ready: RegExp };
  /** Queues its worker declares, deleted before the next system declares them differently. */
  readonly queues: readonly string[];
};

const system = (
  kind: SystemSpec["kind"],
  gatewayRuntime: Runtime,
  worker: SystemSpec["worker"],
  queueType: QueueType,
): SystemSpec => {
  const workerPart = kind === "baseline" ? "" : `-${worker === "python" ? "py" : "ts"}`;
  const gatewayName = kind === "baseline" ? "baseline" : "taskbridge";
  return {
    id: `${gatewayName}-${gatewayRuntime}${workerPart}-${queueType}`,
    label: `${gatewayName} (gateway on ${gatewayRuntime === "bun" ? "Bun" : "Node"}, ${
      worker === "python" ? "Python" : "TS"
    } worker, ${queueType})`,
    kind,
    gatewayRuntime,
    worker,
    queueType,
  };
};

/**
 * The systems a run measures, in order. Each queue type gets its own baseline on each gateway
 * runtime, so every taskbridge figure has a like-for-like floor. Quick mode keeps Bun only and
 * the TypeScript worker, on both queue types.
 */
export const benchSystems = (quick: boolean): SystemSpec[] => {
  const queueTypes: QueueType[] = ["classic", "quorum"];
  if (quick) {
    return queueTypes.flatMap((q) => [
      system("baseline", "bun", "baseline", q),
      system("taskbridge", "bun", "typescript", q),
    ]);
  }
  return queueTypes.flatMap((q) => [
    system("baseline", "bun", "baseline", q),
    system("taskbridge", "bun", "typescript", q),
    system("baseline", "node", "baseline", q),
    system("taskbridge", "node", "typescript", q),
    system("taskbridge", "bun", "python", q),
  ]);
};

/** The baseline a taskbridge system is compared with: same gateway runtime, same queue type. */
export const baselineFor = (spec: SystemSpec, all: readonly SystemSpec[]): SystemSpec | undefined =>
  all.find(
    (s) =>
      s.kind === "baseline" &&
      s.gatewayRuntime === spec.gatewayRuntime &&
      s.queueType === spec.queueType,
  );

const REFERENCE_QUEUES = ["demo.echo", "demo.count", "demo.progress", "demo.fail"];

/**
 * The commands that start `spec` against RabbitMQ at `amqpUrl` with the gateway on `port`, from
 * the repository `root`: `bun`/`node --import tsx` on the very entry points `npm run gateway`
 * and `npm run worker` run (taskbridge), or `bench/baseline/*.ts`. The taskbridge gateway gets
 * its per-session rate limit lifted (100 requests/s by default would cap the throughput figure).
 */
export const systemCommands = (
  spec: SystemSpec,
  root: string,
  amqpUrl: string,
  port: number,
): SystemCommands => {
  const localBun = join(root, "node_modules", ".bin", "bun");
  const bun = existsSync(localBun) ? localBun : "bun";
  const onRuntime = (runtime: Runtime, file: string): Command =>
    runtime === "bun"
      ? { command: bun, args: [file] }
      : { command: process.execPath, args: ["--import", "tsx", file] };
  if (spec.kind === "baseline") {
    return {
      worker: {
        ...onRuntime("bun", "bench/baseline/worker.ts"),
        env: { AMQP_URL: amqpUrl, BENCH_QUEUE_TYPE: spec.queueType },
        ready: /baseline worker ready/,
      },
      gateway: {
        ...onRuntime(spec.gatewayRuntime, "bench/baseline/server.ts"),
        env: { AMQP_URL: amqpUrl, PORT: String(port) },
        ready: /baseline listening/,
      },
      queues: ["demo.echo", "demo.count"],
    };
  }
  const workerEnv = { AMQP_URL: amqpUrl, TASKBRIDGE_QUEUE_TYPE: spec.queueType };
  return {
    worker:
      spec.worker === "python"
        ? {
            command: "python3",
            args: ["workers/python/run_reference.py"],
            env: { ...workerEnv, TASKBRIDGE_LOG_LEVEL: "WARNING" },
            ready: /worker ready/,
          }
        : { ...onRuntime("bun", "workers/main.ts"), env: workerEnv, ready: /worker ready/ },
    gateway: {
      ...onRuntime(spec.gatewayRuntime, "gateway/main.ts"),
      env: {
        AMQP_URL: amqpUrl,
        PORT: String(port),
        TASKBRIDGE_GATEWAY_ID: `bench-${spec.id}`,
        TASKBRIDGE_RATE_LIMIT: "1000000/1000",
        TASKBRIDGE_MAX_IN_FLIGHT: "100000",
        TASKBRIDGE_LOG_LEVEL: "warn",
      },
      ready: /gateway listening/,
    },
    queues: REFERENCE_QUEUES,
  };
};
