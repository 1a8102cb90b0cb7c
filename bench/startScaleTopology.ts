import { execFileSync } from "node:child_process";
import { type Haproxy, startHaproxy } from "../test/support/haproxy.js";
import { startRabbitCluster } from "../test/support/rabbitCluster.js";
import { listenerPid } from "./cpu.js";
import { type BenchProcess, freePort, startProcess, waitHealthy } from "./processes.js";
import type { ScaleSettings } from "./settings.js";
import { benchSystems, gatewayCommand, type SystemSpec, workerCommand } from "./systems.js";

export type ReplyQueueType = ScaleSettings["replyQueueTypes"][number];

/** One taskbridge gateway process of the scale-out section. */
export type ScaleGateway = {
  readonly id: string;
  readonly url: string;
  readonly replyQueueType: ReplyQueueType;
  readonly process: BenchProcess;
};

/** Where the load generator connects: one gateway directly, or HAProxy in front of the first N. */
export type ScaleTarget = {
  /** `classic-direct`, `classic-haproxy-2`, `stream-haproxy-3` … */
  readonly id: string;
  readonly replyQueueType: ReplyQueueType;
  readonly proxied: boolean;
  readonly gateways: readonly ScaleGateway[];
  readonly url: string;
  readonly proxyPid: number | undefined;
};

/** One HAProxy process: where clients connect, and its pid (for its RSS and CPU). */
export type ScaleProxy = { readonly url: string; readonly pid: number | undefined };

/**
 * Where the idle sockets go: HAProxy in front of all the gateways of the first reply queue type,
 * as several HAProxy processes (each in front of the same gateways) when one cannot hold them all
 * within the open-files limit.
 */
export type IdleTarget = {
  readonly id: string;
  readonly gateways: readonly ScaleGateway[];
  readonly proxies: readonly ScaleProxy[];
};

export type ScaleTopology = {
  /** What the gateways and the worker run on, for the report. */
  readonly broker: string;
  readonly nodes: number;
  /** RabbitMQ's `beam.smp` processes (one per node), whose CPU the figures count. */
  readonly brokerPids: readonly number[];
  readonly worker: BenchProcess;
  readonly targets: readonly ScaleTarget[];
  readonly idle: IdleTarget;
  /** Stops HAProxy, the gateways, the worker and the throwaway cluster. Safe to call twice. */
  readonly dispose: () => Promise<void>;
};

export type ScaleTopologyOptions = {
  readonly root: string;
  readonly settings: ScaleSettings;
  readonly runId: string;
  /** The virtual host on the shared RabbitMQ (`broker: "shared"`). */
  readonly sharedUrl: string;
  /** How many gateways per reply queue type (the last target has them all). */
  readonly gateways?: number;
  readonly log: (line: string) => void;
  /** Called with every disposer as soon as it exists, so a Ctrl-C during the start cleans up. */
  readonly track: (dispose: () => Promise<void>) => void;
};

const GATEWAY_SPEC = benchSystems(true).find(
  (s) => s.id === "taskbridge-bun-ts-quorum",
) as SystemSpec;

/**
 * The hard limit on open files (`ulimit -Hn`). HAProxy raises its own soft limit up to it; only a
 * process with CAP_SYS_RESOURCE could go beyond.
 */
const hardOpenFiles = (): number => {
  const text = execFileSync("bash", ["-c", "ulimit -Hn"], { encoding: "utf8" }).trim();
  return text === "unlimited" ? Number.POSITIVE_INFINITY : Number(text);
};

/**
 * How many HAProxy processes `sockets` proxied sockets need: each holds two descriptors in HAProxy
 * (client and server side), plus listeners, health checks and logs.
 */
export const proxiesFor = (sockets: number, hardLimit: number): number =>
  Math.max(1, Math.ceil(sockets / Math.max(1, Math.floor((hardLimit - 1_000) / 2))));

/** The list rotated by `k`: gateway k connects first to node k, so the gateways spread over the nodes. */
const rotate = <T>(items: readonly T[], k: number): T[] => [
  ...items.slice(k % items.length),
  ...items.slice(0, k % items.length),
];

/**
 * Starts the scale-out section's topology: RabbitMQ (3 throwaway nodes joined into one cluster
 * with `startRabbitCluster`, or a virtual host on the shared node), one TS worker (`npm run worker`,
 * quorum request queues, every node in `AMQP_URL`), `gateways` taskbridge gateways per reply queue
 * type (`TASKBRIDGE_REPLY_QUEUE_TYPE`, each with the node list rotated so they spread over the
 * nodes) and, per reply queue type and N = 1…gateways, HAProxy with test/support/haproxy.ts's
 * configuration (deploy/haproxy.cfg's) in front of the first N gateways, its `maxconn` raised for
 * the idle sockets. The targets: classic gateway 1 directly (what HAProxy costs), then every
 * HAProxy.
 */
export const startScaleTopology = async (options: ScaleTopologyOptions): Promise<ScaleTopology> => {
  const { settings, log, root } = options;
  const count = options.gateways ?? 3;
  const disposers: (() => Promise<void>)[] = [];
  let disposed = false;
  const dispose = async (): Promise<void> => {
    if (disposed) return;
    disposed = true;
    // HAProxy and the processes first, the cluster last (nobody reconnecting to it meanwhile).
    for (const step of disposers.reverse()) await step().catch(() => undefined);
  };
  const own = (step: () => Promise<void>): void => {
    disposers.push(step);
  };
  options.track(dispose);
  try {
    let urls: readonly string[];
    let broker: string;
    if (settings.broker === "cluster") {
      const began = Date.now();
      const cluster = await startRabbitCluster({ log: (line) => log(`  ${line}`) });
      own(cluster.dispose);
      urls = cluster.urls;
      broker = `a ${cluster.nodes.length}-node RabbitMQ cluster (throwaway nodes, formed in ${((Date.now() - began) / 1000).toFixed(0)} s)`;
    } else {
      urls = [options.sharedUrl];
      broker = "the shared RabbitMQ node (a private virtual host)";
    }
    const brokerPids = (
      await Promise.all(urls.map((url) => listenerPid(Number(new URL(url).port || 5672))))
    ).filter((pid): pid is number => pid !== undefined);

    const workerSpec = workerCommand("taskbridge-ts", "quorum", root, urls.join(","));
    const worker = await startProcess({
      name: "scale worker",
      ...workerSpec,
      env: { ...workerSpec.env, AMQP_URLS: "" },
      cwd: root,
    });
    own(() => worker.stop());

    const startGateway = async (
      replyQueueType: ReplyQueueType,
      k: number,
    ): Promise<ScaleGateway> => {
      const port = await freePort();
      const id = `bench-scale-${options.runId}-${replyQueueType}-${k + 1}`;
      // The main bench's taskbridge gateway on Bun (its rate limit lifted), with its own id,
      // the node list and the reply queue type.
      const command = gatewayCommand(GATEWAY_SPEC, root, "", port);
      const process = await startProcess({
        name: id,
        ...command,
        env: {
          ...command.env,
          AMQP_URL: rotate(urls, k).join(","),
          AMQP_URLS: "",
          TASKBRIDGE_GATEWAY_ID: id,
          TASKBRIDGE_REPLY_QUEUE_TYPE: replyQueueType,
        },
        readyTimeoutMs: 60_000,
        openFiles: settings.idleSockets + 2_000,
        cwd: root,
      });
      own(() => process.stop());
      const url = `http://127.0.0.1:${port}`;
      await waitHealthy(url, 60_000);
      return { id, url, replyQueueType, process };
    };
    const byType = await Promise.all(
      settings.replyQueueTypes.map(async (type) => ({
        type,
        gateways: await Promise.all(Array.from({ length: count }, (_, k) => startGateway(type, k))),
      })),
    );
    log(`  ${byType.length * count} gateways ready`);

    const proxy = async (gateways: readonly ScaleGateway[], maxconn?: number): Promise<Haproxy> => {
      const started = await startHaproxy({
        backends: gateways.map((g, k) => ({
          name: `gw-${k + 1}`,
          port: Number(new URL(g.url).port),
        })),
        maxconn,
      });
      own(started.dispose);
      return started;
    };
    const targets: ScaleTarget[] = [];
    for (const { type, gateways } of byType) {
      const first = gateways[0] as ScaleGateway;
      if (type === settings.replyQueueTypes[0]) {
        targets.push({
          id: `${type}-direct`,
          replyQueueType: type,
          proxied: false,
          gateways: [first],
          url: first.url,
          proxyPid: undefined,
        });
      }
      const proxies = await Promise.all(gateways.map((_, n) => proxy(gateways.slice(0, n + 1))));
      for (const [n, started] of proxies.entries()) {
        targets.push({
          id: `${type}-haproxy-${n + 1}`,
          replyQueueType: type,
          proxied: true,
          gateways: gateways.slice(0, n + 1),
          url: started.url,
          proxyPid: await listenerPid(started.port),
        });
      }
    }
    // The idle sockets: as many HAProxy processes in front of the first type's gateways as the
    // open-files limit needs (two here: a hard limit of 20,000 holds 9,500 proxied sockets).
    const idleGateways = (byType[0] as { gateways: ScaleGateway[] }).gateways;
    const idleProxies = proxiesFor(settings.idleSockets, hardOpenFiles());
    const perProxy = Math.ceil(settings.idleSockets / idleProxies);
    const proxies = await Promise.all(
      Array.from({ length: idleProxies }, async (): Promise<ScaleProxy> => {
        const started = await proxy(idleGateways, perProxy + 500);
        return { url: started.url, pid: await listenerPid(started.port) };
      }),
    );
    const idle: IdleTarget = {
      id: `${settings.replyQueueTypes[0]}-haproxy-${idleGateways.length}`,
      gateways: idleGateways,
      proxies,
    };
    return { broker, nodes: urls.length, brokerPids, worker, targets, idle, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
};
