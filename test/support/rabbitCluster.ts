import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createRabbitNode, type RabbitNode, type RabbitNodeOptions } from "./rabbitNode.js";

/** A throwaway RabbitMQ cluster for failover tests and scripts; see `startRabbitCluster`. */
export type RabbitCluster = {
  /** The nodes, in join order: every other node joined `nodes[0]`. */
  readonly nodes: readonly RabbitNode[];
  /** Every node's AMQP URL (guest/guest on 127.0.0.1), in node order: what `AMQP_URL` may list. */
  readonly urls: readonly string[];
  /** Graceful stop of node `i` (SIGTERM to its Erlang VM); resolves when it exited. */
  readonly stopNode: (i: number) => Promise<void>;
  /** SIGKILL of node `i`: a crash, its connections drop without a close handshake. */
  readonly killNode: (i: number) => Promise<void>;
  /** Starts node `i` again (it rejoins the cluster from its own data); resolves once it accepts AMQP. */
  readonly startNode: (i: number) => Promise<void>;
  /** The names of the nodes that `nodes[i]` sees running in the cluster (itself included). */
  readonly runningNodes: (i: number) => Promise<readonly string[]>;
  /** Kills every node and deletes their folders. Safe to call twice. */
  readonly dispose: () => Promise<void>;
};

export type RabbitClusterOptions = {
  /** How many nodes (default 3: a quorum queue keeps its majority when one is lost). */
  readonly size?: number;
  /** Per node start. Default 120 s: three nodes booting at once on a loaded 2-core machine. */
  readonly startTimeoutMs?: number;
  /** Progress lines (node started, joined, cluster ready, with timings). Default: none. */
  readonly log?: (line: string) => void;
  readonly serverScript?: RabbitNodeOptions["serverScript"];
};

const node = (nodes: readonly RabbitNode[], i: number): RabbitNode => {
  const found = nodes[i];
  if (found === undefined) throw new Error(`no node ${i} in a cluster of ${nodes.length}`);
  return found;
};

/** The last lines of each node's console log: why a node did not start or join. */
const logTails = (nodes: readonly RabbitNode[], lines = 15): string =>
  nodes
    .map((n) => {
      let tail: string;
      try {
        tail = readFileSync(join(n.dir, "log", "console.log"), "utf8")
          .trimEnd()
          .split("\n")
          .slice(-lines)
          .join("\n");
      } catch {
        tail = "(no log)";
      }
      return `--- ${n.nodeName} (port ${n.port}) ---\n${tail}`;
    })
    .join("\n");

const parseRunningNodes = (json: string): readonly string[] => {
  const status: unknown = JSON.parse(json);
  const running =
    typeof status === "object" && status !== null
      ? (status as Record<string, unknown>).running_nodes
      : undefined;
  return Array.isArray(running) ? running.filter((n): n is string => typeof n === "string") : [];
};

/**
 * Starts `size` throwaway RabbitMQ nodes (`createRabbitNode`: own names `tb-cluster-…@localhost`,
 * own ports, data dirs and logs under a temp folder, one shared Erlang cookie) and joins them into
 * one cluster: each node after the first runs `stop_app`, `join_cluster <first>`, `start_app`
 * through `rabbitmqctl` with its own environment. Resolves once every node sees all `size` nodes
 * running and accepts AMQP. Never touches the shared node (`rabbit@localhost` on 5672). No Jest in
 * here: a standalone script (`node --import tsx`) can use it as well.
 *
 * If anything fails, every node started is killed and its folder deleted before the error (with
 * the end of each node's log) is thrown.
 *
 * @example
 * const cluster = await startRabbitCluster({ log: console.log });
 * process.env.AMQP_URL = cluster.urls.join(",");
 * await cluster.stopNode(0); // connections to node 0 fail over to nodes 1 and 2
 * await cluster.dispose();
 */
export const startRabbitCluster = async (
  options: RabbitClusterOptions = {},
): Promise<RabbitCluster> => {
  const size = options.size ?? 3;
  if (!Number.isInteger(size) || size < 1) throw new Error(`size must be ≥ 1, got ${size}`);
  const log = options.log ?? (() => {});
  const began = Date.now();
  const since = (): string => `${((Date.now() - began) / 1000).toFixed(1)} s`;
  const cookie = randomBytes(16).toString("hex").toUpperCase();
  const nodes: RabbitNode[] = [];
  let disposed = false;

  const dispose = async (): Promise<void> => {
    if (disposed) return;
    disposed = true;
    await Promise.all(nodes.map((n) => n.dispose()));
  };

  const runningNodes = async (i: number): Promise<readonly string[]> =>
    parseRunningNodes(await node(nodes, i).ctl(["cluster_status", "--formatter", "json"]));

  try {
    for (let i = 0; i < size; i++) {
      nodes.push(
        await createRabbitNode({
          cookie,
          namePrefix: "tb-cluster",
          startTimeoutMs: options.startTimeoutMs ?? 120_000,
          serverScript: options.serverScript,
        }),
      );
    }
    // Booting is CPU-bound: all at once is still faster than one after another.
    await Promise.all(
      nodes.map(async (n, i) => {
        await n.start();
        log(`rabbit node ${i} (${n.nodeName}, port ${n.port}) started after ${since()}`);
      }),
    );
    const first = node(nodes, 0);
    // One at a time: concurrent joins race in the schema database.
    for (const [i, n] of nodes.entries()) {
      if (i === 0) continue;
      await n.ctl(["stop_app"]);
      await n.ctl(["join_cluster", first.nodeName]);
      await n.ctl(["start_app"]); // returns once the app (and its AMQP listener) runs again
      log(`rabbit node ${i} joined ${first.nodeName} after ${since()}`);
    }
    const running = await runningNodes(0);
    const missing = nodes.filter((n) => !running.includes(n.nodeName)).map((n) => n.nodeName);
    if (missing.length > 0) {
      throw new Error(
        `cluster formed without ${missing.join(", ")}; running: ${running.join(", ")}`,
      );
    }
    log(`rabbit cluster of ${size} ready after ${since()}`);
  } catch (error) {
    const tails = logTails(nodes);
    await dispose();
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${tails}`, {
      cause: error,
    });
  }

  return {
    nodes,
    urls: nodes.map((n) => n.url),
    stopNode: (i) => node(nodes, i).stop(),
    killNode: (i) => node(nodes, i).kill(),
    startNode: (i) => node(nodes, i).start(),
    runningNodes,
    dispose,
  };
};
