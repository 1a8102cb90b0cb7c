import { addCpu, type CpuSpent, cpuPerOperation, NO_CPU, withCpu } from "./cpu.js";
import { type BenchProcess, freePort, startProcess, waitHealthy } from "./processes.js";
import type { BenchVhost } from "./rabbitVhost.js";
import {
  type MemoryResult,
  measureMemory,
  measureRoundTrip,
  measureStream,
  measureThroughput,
  type StreamResult,
} from "./scenarios.js";
import type { BenchSettings } from "./settings.js";
import { type LatencySummary, median, summarize } from "./stats.js";
import {
  GROUP_QUEUES,
  type GroupId,
  gatewayCommand,
  memoryKey,
  type SystemSpec,
  streamChunksFor,
  workerCommand,
} from "./systems.js";

/** Everything measured on one system, pooled over the rounds. */
export type SystemResult = {
  readonly system: SystemSpec;
  readonly memory: MemoryResult;
  readonly roundTrip: LatencySummary;
  readonly throughput: {
    readonly requestsPerSecond: number;
    readonly latency: LatencySummary;
    readonly errors: number;
  };
  readonly stream: StreamResult;
  /** CPU µs per request (throughput) and per chunk (stream), by process. */
  readonly cpu: { readonly perRequestUs: CpuSpent; readonly perChunkUs: CpuSpent };
};

type Live = {
  readonly spec: SystemSpec;
  readonly url: string;
  readonly gateway: BenchProcess;
  readonly worker: BenchProcess;
};

/**
 * Measures every system of one queue type. All of them run at once — each group (baseline,
 * taskbridge with the TS worker, with the Python worker) with its worker in its own virtual host,
 * each system with its own gateway — and the scenarios alternate between them in rounds, so a
 * burst of load from elsewhere on the machine hits baseline and taskbridge alike. Idle-socket
 * memory is measured first, on fresh processes, once per gateway program and runtime. Every process group is stopped and the group's
 * queues deleted at the end, whatever happens.
 */
export const runQueueType = async (
  systems: readonly SystemSpec[],
  options: {
    readonly root: string;
    readonly vhosts: Readonly<Record<GroupId, BenchVhost>>;
    readonly settings: BenchSettings;
    readonly brokerPid: number | undefined;
    readonly log: (line: string) => void;
    /** Idle-socket memory by gateway (`memoryKey`), shared between the queue types' runs. */
    readonly memory: Map<string, MemoryResult>;
  },
): Promise<SystemResult[]> => {
  const { settings, log, root } = options;
  const started: BenchProcess[] = [];
  const groups = [...new Set(systems.map((s) => s.group))];
  const queueType = systems[0]?.queueType ?? "classic";
  try {
    // Groups start side by side (each worker before its gateways, so its queues exist first);
    // `live` keeps the systems' own order.
    const startGroup = async (group: GroupId): Promise<Live[]> => {
      const amqpUrl = options.vhosts[group].url;
      const worker = await startProcess({
        name: `${group} worker`,
        ...workerCommand(group, queueType, root, amqpUrl),
        cwd: root,
      });
      started.push(worker);
      return Promise.all(
        systems
          .filter((s) => s.group === group)
          .map(async (spec): Promise<Live> => {
            const port = await freePort();
            const gateway = await startProcess({
              name: `${spec.id} gateway`,
              ...gatewayCommand(spec, root, amqpUrl, port),
              cwd: root,
            });
            started.push(gateway);
            const url = `http://127.0.0.1:${port}`;
            await waitHealthy(url, 30_000);
            return { spec, url, gateway, worker };
          }),
      );
    };
    const byId = new Map(
      (await Promise.all(groups.map(startGroup))).flat().map((l) => [l.spec.id, l]),
    );
    const live = systems.map((spec) => byId.get(spec.id) as Live);
    const roles = (l: Live) => ({
      client: process.pid,
      gateway: l.gateway.pid,
      worker: l.worker.pid,
      broker: options.brokerPid,
    });

    // Idle sockets cost the same whatever the queue type and the worker: each gateway once.
    const memory = options.memory;
    for (const l of live) {
      const key = memoryKey(l.spec);
      if (memory.has(key)) continue;
      const m = await measureMemory(l.url, l.gateway.pid, settings.idleSockets, settings.settleMs);
      memory.set(key, m);
      log(`  ${key}: ${(m.bytesPerSocket / 1024).toFixed(1)} KiB per idle socket`);
    }

    const rtt = new Map<string, number[]>();
    const load = new Map<
      string,
      { latencies: number[]; elapsedMs: number; errors: number; total: number; cpu?: CpuSpent }
    >();
    const perRound = Math.ceil(settings.roundTrips / settings.rounds);
    for (let round = 0; round < settings.rounds; round += 1) {
      // Rotate the order so no system always runs right after another one's burst.
      const order = live.map((_, i) => live[(i + round) % live.length] as Live);
      for (const l of order) {
        const warmup =
          round === 0 ? settings.roundTripWarmup : Math.ceil(settings.roundTripWarmup / 4);
        rtt.set(l.spec.id, [
          ...(rtt.get(l.spec.id) ?? []),
          ...(await measureRoundTrip(l.url, perRound, warmup)),
        ]);
      }
      for (const l of order) {
        const { value, cpu } = await withCpu(roles(l), () =>
          measureThroughput(l.url, {
            sockets: settings.throughputSockets,
            inFlight: settings.throughputInFlight,
            warmupMs: settings.throughputWarmupMs,
            durationMs: settings.throughputDurationMs / settings.rounds,
          }),
        );
        const sum = load.get(l.spec.id);
        load.set(l.spec.id, {
          latencies: [...(sum?.latencies ?? []), ...value.latencies],
          elapsedMs: (sum?.elapsedMs ?? 0) + value.elapsedMs,
          errors: (sum?.errors ?? 0) + value.errors,
          // CPU over the whole call (warm-up included) per request completed in it.
          cpu: addCpu(sum?.cpu, cpu),
          total: (sum?.total ?? 0) + value.total,
        });
      }
      log(`  round ${round + 1}/${settings.rounds} of round trips and throughput done`);
    }

    const streams = new Map<string, { results: StreamResult[]; cpu?: CpuSpent }>();
    for (let round = 0; round < settings.streamRounds; round += 1) {
      for (const l of live) {
        const chunks = streamChunksFor(l.spec, settings);
        if (round > 0 && l.spec.worker === "python") continue;
        const { value, cpu } = await withCpu(roles(l), () => measureStream(l.url, chunks));
        const sum = streams.get(l.spec.id);
        streams.set(l.spec.id, {
          results: [...(sum?.results ?? []), value],
          cpu: addCpu(sum?.cpu, cpu),
        });
        log(
          `  ${l.spec.id}: ${value.chunksPerSecond.toFixed(0)} chunks/s${value.inOrder ? "" : " OUT OF ORDER"}`,
        );
      }
    }

    return live.map(({ spec }): SystemResult => {
      const l = load.get(spec.id);
      const s = streams.get(spec.id);
      const latencies = l?.latencies ?? [];
      const results = s?.results ?? [];
      // The best round: one long stream is one sample, and a burst of load elsewhere halves it.
      const best = results.map((r) => r.chunksPerSecond);
      const streamChunks = results.reduce((sum, r) => sum + r.chunks, 0);
      return {
        system: spec,
        memory: memory.get(memoryKey(spec)) as MemoryResult,
        roundTrip: summarize(rtt.get(spec.id) ?? []),
        throughput: {
          requestsPerSecond: (latencies.length / (l?.elapsedMs ?? 1)) * 1000,
          latency: summarize(latencies),
          errors: l?.errors ?? 0,
        },
        stream: {
          chunks: streamChunksFor(spec, settings),
          chunksPerSecond: Math.max(...best),
          milliseconds: median(results.map((r) => r.milliseconds)),
          inOrder: results.every((r) => r.inOrder),
        },
        cpu: {
          perRequestUs: cpuPerOperation(l?.cpu ?? NO_CPU, l?.total || 1),
          perChunkUs: cpuPerOperation(s?.cpu ?? NO_CPU, streamChunks || 1),
        },
      };
    });
  } finally {
    await Promise.all(started.map((child) => child.stop()));
    for (const group of groups) {
      await options.vhosts[group].deleteQueues(GROUP_QUEUES[group]).catch(() => undefined);
    }
  }
};
