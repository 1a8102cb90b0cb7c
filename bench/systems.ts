import { existsSync } from "node:fs";
import { join } from "node:path";
import { NEST_QUEUE } from "./nest/nestQueue.js";
import type { BenchSettings } from "./settings.js";

export type QueueType = "classic" | "quorum";
export type Runtime = "bun" | "node";
/** Systems in the same group share one worker and one virtual host. */
export type GroupId = "baseline" | "baseline-confirms" | "taskbridge-ts" | "taskbridge-py" | "nest";

/**
 * Steps of `--ladder` between the baseline and taskbridge: `accepted` adds the gateway's publish
 * confirm and `accepted` frame, `confirms` also the worker's reply confirms (ack after confirm).
 */
export type BaselineExtra = "none" | "accepted" | "confirms";

/**
 * One system under test: which gateway on which runtime, which worker, which queue type. `nest` is
 * the peer a user would pick instead of taskbridge (bench/nest/: a NestJS `@WebSocketGateway`
 * and a NestJS RMQ microservice), compared with the same baseline.
 */
export type SystemSpec = {
  /** e.g. `taskbridge-bun-ts-quorum`, `nest-bun-classic`. */
  readonly id: string;
  readonly label: string;
  readonly kind: "baseline" | "taskbridge" | "nest";
  readonly group: GroupId;
  readonly gatewayRuntime: Runtime;
  readonly worker: "baseline" | "typescript" | "python" | "nest";
  readonly queueType: QueueType;
  readonly extra: BaselineExtra;
};

/** A command line to spawn, its environment and the line it prints when ready. */
export type Command = {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Record<string, string>;
  readonly ready: RegExp;
};

const WORKER_TAGS = { baseline: "bw", typescript: "ts", python: "py", nest: "nest" } as const;
const WORKER_NAMES = {
  baseline: "baseline",
  typescript: "TS",
  python: "Python",
  nest: "NestJS",
} as const;
const GATEWAY_NAMES = {
  baseline: "baseline server",
  taskbridge: "taskbridge gateway",
  nest: "NestJS gateway",
} as const;

const system = (
  kind: SystemSpec["kind"],
  gatewayRuntime: Runtime,
  worker: SystemSpec["worker"],
  queueType: QueueType,
  extra: BaselineExtra = "none",
): SystemSpec => {
  // The baseline and NestJS with their own worker need no worker tag; taskbridge always has one.
  const own =
    (kind === "baseline" && worker === "baseline") || (kind === "nest" && worker === "nest");
  const workerPart = own ? "" : `-${WORKER_TAGS[worker]}`;
  const extraPart = extra === "none" ? "" : `+${extra}`;
  const runtimeName = gatewayRuntime === "bun" ? "Bun" : "Node";
  const group: GroupId =
    worker === "nest"
      ? "nest"
      : worker === "python"
        ? "taskbridge-py"
        : worker === "typescript"
          ? "taskbridge-ts"
          : extra === "confirms"
            ? "baseline-confirms"
            : "baseline";
  return {
    id: `${kind}${extraPart}-${gatewayRuntime}${workerPart}-${queueType}`,
    label: `${kind === "baseline" ? `baseline${extraPart} server` : GATEWAY_NAMES[kind]} on ${runtimeName}, ${WORKER_NAMES[worker]} worker, ${queueType}`,
    kind,
    group,
    gatewayRuntime,
    worker,
    queueType,
    extra,
  };
};

/**
 * `--ladder`: where the cost comes from, on Bun and classic queues. From the baseline, the
 * protocol's steps alone (`accepted` on the publish confirm; also the worker's reply confirms),
 * then each half of taskbridge with the other half bare — the baseline server in front of the
 * TypeScript worker, the taskbridge gateway in front of the baseline worker (they speak the same
 * AMQP) — and the whole.
 */
export const ladderSystems = (): SystemSpec[] => [
  system("baseline", "bun", "baseline", "classic"),
  system("baseline", "bun", "baseline", "classic", "accepted"),
  system("baseline", "bun", "baseline", "classic", "confirms"),
  system("baseline", "bun", "typescript", "classic"),
  system("taskbridge", "bun", "baseline", "classic"),
  system("taskbridge", "bun", "typescript", "classic"),
];

/**
 * The systems a run measures. Each queue type gets its own baseline on each gateway runtime, so
 * every taskbridge figure has a like-for-like floor, the bare bridge with the protocol's own steps
 * on Bun (`baseline+confirms`: the publish confirm and `accepted`, reply confirms, the ack after
 * the confirm — the floor any implementation of docs/protocol.md stands on), and NestJS on Bun
 * (the peer the issue's throughput target names). Quick mode keeps Bun only, the TypeScript worker
 * and NestJS, on both queue types (`--python` adds the Python worker on Bun).
 */
export const benchSystems = (quick: boolean, python = false): SystemSpec[] => {
  const queueTypes: QueueType[] = ["classic", "quorum"];
  if (quick) {
    return queueTypes.flatMap((q) => [
      system("baseline", "bun", "baseline", q),
      system("baseline", "bun", "baseline", q, "confirms"),
      system("taskbridge", "bun", "typescript", q),
      ...(python ? [system("taskbridge", "bun", "python", q)] : []),
      system("nest", "bun", "nest", q),
    ]);
  }
  return queueTypes.flatMap((q) => [
    system("baseline", "bun", "baseline", q),
    system("baseline", "bun", "baseline", q, "confirms"),
    system("taskbridge", "bun", "typescript", q),
    system("baseline", "node", "baseline", q),
    system("taskbridge", "node", "typescript", q),
    system("taskbridge", "bun", "python", q),
    system("nest", "bun", "nest", q),
  ]);
};

/** The baseline a taskbridge system is compared with: same gateway runtime, same queue type. */
export const baselineFor = (spec: SystemSpec, all: readonly SystemSpec[]): SystemSpec | undefined =>
  all.find(
    (s) =>
      s.kind === "baseline" &&
      s.worker === "baseline" &&
      s.extra === "none" &&
      s.gatewayRuntime === spec.gatewayRuntime &&
      s.queueType === spec.queueType,
  );

/**
 * The NestJS system a taskbridge system is compared with (the issue's "≥ 1.5× NestJS"): same
 * gateway runtime, same queue type.
 */
export const nestFor = (spec: SystemSpec, all: readonly SystemSpec[]): SystemSpec | undefined =>
  all.find(
    (s) =>
      s.kind === "nest" &&
      s.gatewayRuntime === spec.gatewayRuntime &&
      s.queueType === spec.queueType,
  );

/** Queues each group's worker declares (deleted before the other queue type is declared). */
export const GROUP_QUEUES: Record<GroupId, readonly string[]> = {
  nest: [NEST_QUEUE],
  baseline: ["demo.echo", "demo.count"],
  "baseline-confirms": ["demo.echo", "demo.count"],
  "taskbridge-ts": ["demo.echo", "demo.count", "demo.progress", "demo.fail"],
  "taskbridge-py": ["demo.echo", "demo.count", "demo.progress", "demo.fail"],
};

const runtimes = (root: string) => {
  const localBun = join(root, "node_modules", ".bin", "bun");
  const bun = existsSync(localBun) ? localBun : "bun";
  return (runtime: Runtime, file: string): Pick<Command, "command" | "args"> =>
    runtime === "bun"
      ? { command: bun, args: [file] }
      : { command: process.execPath, args: ["--import", "tsx", file] };
};

/** NestJS's decorators need bench/nest/tsconfig.json: Bun is told so, and so is tsx (esbuild). */
const NEST_TSCONFIG = "bench/nest/tsconfig.json";
const nestCommand = (
  root: string,
  runtime: Runtime,
  file: string,
): Pick<Command, "command" | "args"> & { readonly env: Record<string, string> } => {
  const { command, args } = runtimes(root)(runtime, file);
  return runtime === "bun"
    ? { command, args: ["--tsconfig-override", NEST_TSCONFIG, ...args], env: {} }
    : { command, args, env: { TSX_TSCONFIG_PATH: NEST_TSCONFIG } };
};

/**
 * The worker of a group: `bench/baseline/worker.ts` on Bun, the very entry point `npm run worker`
 * runs (Bun), the Python reference worker (`npm run worker:python`), or the NestJS microservice
 * (`bench/nest/worker.ts` on Bun), on `queueType` queues.
 */
export const workerCommand = (
  group: GroupId,
  queueType: QueueType,
  root: string,
  amqpUrl: string,
): Command => {
  const on = runtimes(root);
  if (group === "nest") {
    const nest = nestCommand(root, "bun", "bench/nest/worker.ts");
    return {
      ...nest,
      env: { ...nest.env, AMQP_URL: amqpUrl, BENCH_QUEUE_TYPE: queueType },
      ready: /nest worker ready/,
    };
  }
  if (group === "baseline" || group === "baseline-confirms") {
    return {
      ...on("bun", "bench/baseline/worker.ts"),
      env: {
        AMQP_URL: amqpUrl,
        BENCH_QUEUE_TYPE: queueType,
        BENCH_CONFIRMS: group === "baseline-confirms" ? "1" : "0",
      },
      ready: /baseline worker ready/,
    };
  }
  const env = { AMQP_URL: amqpUrl, TASKBRIDGE_QUEUE_TYPE: queueType };
  if (group === "taskbridge-py") {
    return {
      command: "python3",
      args: ["workers/python/run_reference.py"],
      env: { ...env, TASKBRIDGE_LOG_LEVEL: "WARNING" },
      ready: /worker ready/,
    };
  }
  return { ...on("bun", "packages/worker/src/main.ts"), env, ready: /worker ready/ };
};

/**
 * The gateway of a system on `port`: `bench/baseline/server.ts`, `bench/nest/gateway.ts`, or the
 * entry point `npm run gateway` runs (`packages/gateway/src/main.ts`) on Bun or under Node with
 * tsx. The taskbridge gateway gets its
 * per-session rate limit lifted (100 requests/s by default would cap the throughput figure).
 */
export const gatewayCommand = (
  spec: SystemSpec,
  root: string,
  amqpUrl: string,
  port: number,
): Command => {
  const on = runtimes(root);
  if (spec.kind === "nest") {
    const nest = nestCommand(root, spec.gatewayRuntime, "bench/nest/gateway.ts");
    return {
      ...nest,
      env: {
        ...nest.env,
        AMQP_URL: amqpUrl,
        PORT: String(port),
        BENCH_QUEUE_TYPE: spec.queueType,
      },
      ready: /nest gateway listening/,
    };
  }
  if (spec.kind === "baseline") {
    return {
      ...on(spec.gatewayRuntime, "bench/baseline/server.ts"),
      env: {
        AMQP_URL: amqpUrl,
        PORT: String(port),
        BENCH_CONFIRMS: spec.extra === "none" ? "0" : "1",
      },
      ready: /baseline listening/,
    };
  }
  return {
    ...on(spec.gatewayRuntime, "packages/gateway/src/main.ts"),
    env: {
      AMQP_URL: amqpUrl,
      PORT: String(port),
      TASKBRIDGE_GATEWAY_ID: `bench-${spec.id}`,
      TASKBRIDGE_RATE_LIMIT: "1000000/1000",
      TASKBRIDGE_MAX_IN_FLIGHT: "100000",
      TASKBRIDGE_LOG_LEVEL: "warn",
    },
    ready: /gateway listening/,
  };
};

/**
 * The Python worker streams fewer chunks per second than the TS worker: in the full run it gets a
 * fifth of the chunks and one round, or it alone would take minutes (quick runs give it all 10,000,
 * enough for a steady rate). Chunks per second is what is compared.
 */
export const streamChunksFor = (spec: SystemSpec, settings: BenchSettings): number =>
  spec.worker === "python" && !settings.quick
    ? Math.ceil(settings.streamChunks / 5)
    : settings.streamChunks;

/** Systems with the same gateway program on the same runtime share their idle-socket figure. */
export const memoryKey = (spec: SystemSpec): string =>
  `${spec.kind}${spec.extra === "none" ? "" : `+${spec.extra}`}-${spec.gatewayRuntime}`;
