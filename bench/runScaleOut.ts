import { readCpuMs } from "./cpu.js";
import { gatewayCounts } from "./gatewayMetrics.js";
import { type IdleSpread, measureIdleSpread } from "./measureIdleSpread.js";
import { measureThroughput } from "./scenarios.js";
import type { ScaleSettings } from "./settings.js";
import {
  type ReplyQueueType,
  type ScaleTarget,
  type ScaleTopologyOptions,
  startScaleTopology,
} from "./startScaleTopology.js";
import { summarize } from "./stats.js";

/** CPU µs per request by process, summed over the processes of a role, and their total. */
export type ScaleCpu = {
  readonly gateways: number;
  readonly worker: number;
  readonly rabbitmq: number;
  readonly haproxy: number;
  readonly client: number;
  readonly total: number;
};

/** One configuration's throughput figures, pooled over the rounds. */
export type ScaleRow = {
  readonly id: string;
  readonly replyQueueType: ReplyQueueType;
  readonly proxied: boolean;
  readonly gateways: number;
  readonly requestsPerSecond: number;
  /** Requests per second of each round (the machine's other load moves single rounds). */
  readonly roundsPerSecond: readonly number[];
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
  /** Percent of the requests each gateway finished (from its /metrics), in gateway order. */
  readonly sharePercent: readonly number[];
  readonly cpuPerRequestUs: ScaleCpu;
};

/** The scale-out section of the report (docs/benchmarks.md "Scale-out"). */
export type ScaleReport = {
  readonly broker: string;
  readonly nodes: number;
  readonly settings: ScaleSettings;
  readonly rows: readonly ScaleRow[];
  readonly idle: IdleSpread;
  readonly seconds: number;
};

type Sum = {
  latencies: number[];
  rounds: number[];
  elapsedMs: number;
  errors: number;
  total: number;
  served: number[];
  cpuMs: Record<keyof Omit<ScaleCpu, "total">, number>;
};

const cpuOf = async (pids: readonly (number | undefined)[]): Promise<number> => {
  const readings = await Promise.all(
    pids.map((pid) => (pid === undefined ? Promise.resolve(0) : readCpuMs(pid))),
  );
  return readings.reduce((sum, ms) => sum + (Number.isNaN(ms) ? 0 : ms), 0);
};

const round1 = (value: number): number => Math.round(value * 10) / 10;

/**
 * The scale-out section: starts `startScaleTopology` (a 3-node cluster, one TS worker, 3 gateways
 * per reply queue type, HAProxy in front of 1, 2 and 3 of them), opens `idleSockets` idle sockets
 * through HAProxy in front of the first reply type's 3 gateways (on fresh processes, as the main
 * bench measures memory first), then measures the closed-loop throughput of every target in
 * `rounds` rounds that rotate their order, with each process's CPU per request. Everything it
 * started is stopped at the end.
 */
export const runScaleOut = async (
  options: Omit<ScaleTopologyOptions, "gateways"> & { readonly settings: ScaleSettings },
): Promise<ScaleReport> => {
  const { settings, log } = options;
  const began = Date.now();
  const topology = await startScaleTopology(options);
  try {
    const { targets } = topology;
    // HAProxy in front of all the gateways of the first reply queue type (idle sockets touch no
    // reply queue: the type does not matter to them).
    const idleTarget = topology.idle;
    log(
      `  ${settings.idleSockets.toLocaleString("en-US")} idle sockets through ${idleTarget.id} …`,
    );
    const idle = await measureIdleSpread(idleTarget, {
      count: settings.idleSockets,
      batch: settings.idleBatch,
      settleMs: settings.settleMs,
    });
    log(
      `  idle: ${idle.perGateway.map((g) => g.sockets).join(" / ")} sockets, ${(idle.gatewayBytesPerSocket / 1024).toFixed(1)} KiB per socket in the gateways, opened in ${idle.connectSeconds.toFixed(1)} s`,
    );

    const sums = new Map<string, Sum>();
    for (let round = 0; round < settings.rounds; round += 1) {
      const order = targets.map((_, i) => targets[(i + round) % targets.length] as ScaleTarget);
      for (const target of order) {
        const pids = {
          gateways: target.gateways.map((g) => g.process.pid),
          worker: [topology.worker.pid],
          rabbitmq: topology.brokerPids,
          haproxy: [target.proxyPid],
          client: [process.pid],
        };
        const roles = Object.keys(pids) as (keyof typeof pids)[];
        const readCpu = () => Promise.all(roles.map((role) => cpuOf(pids[role])));
        const readServed = () =>
          Promise.all(target.gateways.map(async (g) => (await gatewayCounts(g.url)).requests));
        const [cpuBefore, servedBefore] = await Promise.all([readCpu(), readServed()]);
        const sample = await measureThroughput(target.url, {
          sockets: settings.throughputSockets,
          inFlight: settings.throughputInFlight,
          warmupMs: settings.throughputWarmupMs,
          durationMs: settings.throughputRoundMs,
        });
        const [cpuAfter, servedAfter] = await Promise.all([readCpu(), readServed()]);
        const sum: Sum = sums.get(target.id) ?? {
          latencies: [],
          rounds: [],
          elapsedMs: 0,
          errors: 0,
          total: 0,
          served: target.gateways.map(() => 0),
          cpuMs: { gateways: 0, worker: 0, rabbitmq: 0, haproxy: 0, client: 0 },
        };
        sum.latencies.push(...sample.latencies);
        sum.rounds.push(Math.round((sample.latencies.length / sample.elapsedMs) * 1000));
        sum.elapsedMs += sample.elapsedMs;
        sum.errors += sample.errors;
        // CPU over the whole call (warm-up included) per request completed in it.
        sum.total += sample.total;
        sum.served = sum.served.map((n, i) => n + (servedAfter[i] ?? 0) - (servedBefore[i] ?? 0));
        for (const [i, role] of roles.entries()) {
          sum.cpuMs[role] += (cpuAfter[i] ?? 0) - (cpuBefore[i] ?? 0);
        }
        sums.set(target.id, sum);
      }
      log(`  scale-out round ${round + 1}/${settings.rounds} done`);
    }

    const rows = targets.map((target): ScaleRow => {
      const sum = sums.get(target.id) as Sum;
      const latency = summarize(sum.latencies);
      const served = sum.served.reduce((a, b) => a + b, 0);
      const perRequest = (ms: number): number => Math.round((ms * 1000) / (sum.total || 1));
      const cpu = {
        gateways: perRequest(sum.cpuMs.gateways),
        worker: perRequest(sum.cpuMs.worker),
        rabbitmq: perRequest(sum.cpuMs.rabbitmq),
        haproxy: perRequest(sum.cpuMs.haproxy),
        client: perRequest(sum.cpuMs.client),
      };
      return {
        id: target.id,
        replyQueueType: target.replyQueueType,
        proxied: target.proxied,
        gateways: target.gateways.length,
        requestsPerSecond: Math.round((sum.latencies.length / (sum.elapsedMs || 1)) * 1000),
        roundsPerSecond: sum.rounds,
        p50Ms: round1(latency.p50),
        p99Ms: round1(latency.p99),
        errors: sum.errors,
        sharePercent: sum.served.map((n) => Math.round((n / (served || 1)) * 100)),
        cpuPerRequestUs: {
          ...cpu,
          total: cpu.gateways + cpu.worker + cpu.rabbitmq + cpu.haproxy + cpu.client,
        },
      };
    });
    return {
      broker: topology.broker,
      nodes: topology.nodes,
      settings,
      rows,
      idle,
      seconds: round1((Date.now() - began) / 1000),
    };
  } finally {
    await topology.dispose();
  }
};
