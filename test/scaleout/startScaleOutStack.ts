import { type Haproxy, startHaproxy } from "../support/haproxy.js";
import { type RabbitCluster, startRabbitCluster } from "../support/rabbitCluster.js";
import { freePort } from "../support/startDemoStack.js";
import { type LiveProcess, spawnLiveProcess } from "../support/startLiveStack.js";

/** One gateway process behind HAProxy; `name` is its HAProxy server and `SERVERID` cookie. */
export type ScaleOutGateway = {
  readonly name: string;
  /** Its `TASKBRIDGE_GATEWAY_ID`: what its `accepted` frames name. */
  readonly id: string;
  readonly port: number;
  /** The process running now (a restart replaces it). */
  readonly process: () => LiveProcess;
};

/** The topology docs/deployment.md describes, on one machine; see `startScaleOutStack`. */
export type ScaleOutStack = {
  readonly cluster: RabbitCluster;
  readonly proxy: Haproxy;
  readonly gateways: readonly ScaleOutGateway[];
  readonly workers: readonly LiveProcess[];
  readonly gateway: (name: string) => ScaleOutGateway;
  /** Starts `name` again with the same id and port; resolves once HAProxy sees it up. */
  readonly restartGateway: (name: string) => Promise<void>;
  /** Resolves once HAProxy logged `name` as `state` (its health check changed its mind). */
  readonly proxySays: (name: string, state: "UP" | "DOWN", since: number) => Promise<void>;
  /** Every process's output, labelled: for failure messages. */
  readonly output: () => string;
  /** Kills every process, HAProxy and the cluster (streams and queues go with its folders). */
  readonly stop: () => Promise<void>;
};

export type ScaleOutStackOptions = {
  readonly gateways?: number;
  readonly tsWorkers?: number;
  /** Each worker's prefetch: the requests it runs at once. */
  readonly prefetch: number;
  readonly log: (line: string) => void;
  /** A prefix for gateway ids, unique per run. */
  readonly runId: string;
};

const READY_TIMEOUT_MS = 90_000;
const PYTHON = "/usr/bin/python3";

/** `urls` starting at `first`: a process given this list connects to node `first`. */
const rotate = (urls: readonly string[], first: number): string =>
  [...urls.slice(first), ...urls.slice(0, first)].join(",");

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts the scale-out topology on this machine: a 3-node RabbitMQ cluster of throwaway nodes
 * (`startRabbitCluster`; never the shared node on 5672), `gateways` gateway processes (Bun, reply
 * streams, docs/protocol.md §14.3, each with its own id and port, all given the three nodes
 * starting with node 0), `tsWorkers` TypeScript workers and one Python worker (quorum request
 * queues; TS worker 1 and the Python worker start on node 0, TS worker 2 on node 1), and HAProxy
 * with the configuration deploy/haproxy.cfg ships. If anything fails to start, whatever started
 * is stopped before the error is thrown.
 *
 * @example
 * const stack = await startScaleOutStack({ prefetch: 100, log: console.log, runId: "s1" });
 * // … clients on stack.proxy.url …
 * await stack.stop();
 */
export const startScaleOutStack = async (options: ScaleOutStackOptions): Promise<ScaleOutStack> => {
  const began = Date.now();
  const since = (): string => `${((Date.now() - began) / 1000).toFixed(1)} s`;
  const processes: LiveProcess[] = [];
  let cluster: RabbitCluster | undefined;
  let proxy: Haproxy | undefined;

  const stop = async (): Promise<void> => {
    await Promise.all(processes.map((p) => p.stop("SIGKILL")));
    await proxy?.dispose();
    await cluster?.dispose();
  };

  const spawn = (
    label: string,
    script: string,
    env: Readonly<Record<string, string>>,
    ready: RegExp,
    runner?: string,
  ): LiveProcess => {
    const child = spawnLiveProcess(label, script, env, ready, READY_TIMEOUT_MS, runner);
    processes.push(child);
    return child;
  };

  try {
    cluster = await startRabbitCluster({ log: options.log });
    const urls = cluster.urls;
    const gatewayEnv = (id: string, port: number) => ({
      AMQP_URL: rotate(urls, 0),
      AMQP_URLS: "",
      PORT: String(port),
      HOST: "127.0.0.1",
      TASKBRIDGE_GATEWAY_ID: id,
      TASKBRIDGE_REPLY_QUEUE_TYPE: "stream",
      TASKBRIDGE_LOG_LEVEL: "warn",
    });
    const current = new Map<string, LiveProcess>();
    const gateways: ScaleOutGateway[] = [];
    for (let i = 1; i <= (options.gateways ?? 3); i++) {
      const name = `gw-${i}`;
      const id = `${options.runId}-gw-${i}`;
      const port = await freePort();
      gateways.push({ name, id, port, process: () => current.get(name) as LiveProcess });
    }
    const startGateway = (gateway: ScaleOutGateway): LiveProcess => {
      const child = spawn(
        gateway.name,
        "packages/gateway/src/main.ts",
        gatewayEnv(gateway.id, gateway.port),
        /gateway listening on /,
      );
      current.set(gateway.name, child);
      return child;
    };
    const workerEnv = (first: number, workerId: string) => ({
      AMQP_URL: rotate(urls, first),
      AMQP_URLS: "",
      TASKBRIDGE_PREFETCH: String(options.prefetch),
      TASKBRIDGE_WORKER_ID: `${options.runId}-${workerId}`,
    });
    const workers: LiveProcess[] = [];
    for (let i = 1; i <= (options.tsWorkers ?? 2); i++) {
      workers.push(
        spawn(
          `worker-ts-${i}`,
          "packages/worker/src/main.ts",
          workerEnv(i === 2 ? 1 : 0, `ts-${i}`),
          /worker ready: /,
        ),
      );
    }
    workers.push(
      spawn(
        "worker-py",
        "workers/python/run_reference.py",
        { ...workerEnv(0, "py"), TASKBRIDGE_LOG_LEVEL: "INFO" },
        /worker ready/,
        PYTHON,
      ),
    );
    // Workers first: they declare the request queues the gateways publish to.
    await Promise.all(workers.map((w) => w.ready));
    options.log(`${workers.length} workers ready after ${since()}`);
    await Promise.all(gateways.map((g) => startGateway(g).ready));
    options.log(`${gateways.length} gateways ready after ${since()}`);
    proxy = await startHaproxy({
      backends: gateways.map((g) => ({ name: g.name, port: g.port })),
    });
    const lb = proxy;
    options.log(`HAProxy on ${lb.url} after ${since()}`);

    const gateway = (name: string): ScaleOutGateway => {
      const found = gateways.find((g) => g.name === name);
      if (found === undefined) throw new Error(`no gateway ${name}`);
      return found;
    };
    const proxySays = async (name: string, state: "UP" | "DOWN", since: number) => {
      // HAProxy prints a health check's verdict as a line; there is no event to wait on but it.
      const line = new RegExp(`Server gateways/${name} is ${state}`);
      while (!line.test(lb.output().slice(since))) await sleep(100);
    };
    return {
      cluster,
      proxy: lb,
      gateways,
      workers,
      gateway,
      restartGateway: async (name) => {
        const target = gateway(name);
        const mark = lb.output().length;
        await target.process().exited;
        await startGateway(target).ready;
        await proxySays(name, "UP", mark);
      },
      proxySays,
      output: () =>
        processes
          .map((p) =>
            p
              .output()
              .trimEnd()
              .split("\n")
              .map((line) => `[${p.name}] ${line}`)
              .join("\n"),
          )
          .join("\n"),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
};
