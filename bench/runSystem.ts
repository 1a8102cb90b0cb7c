import { type BenchProcess, startProcess } from "./processes.js";
import {
  type MemoryResult,
  measureMemory,
  measureRoundTrip,
  measureStream,
  measureThroughput,
  type StreamResult,
  type ThroughputResult,
} from "./scenarios.js";
import type { BenchSettings } from "./settings.js";
import type { LatencySummary } from "./stats.js";
import { type SystemSpec, systemCommands } from "./systems.js";

/** Everything measured on one system. */
export type SystemResult = {
  readonly system: SystemSpec;
  readonly memory: MemoryResult;
  readonly roundTrip: LatencySummary;
  readonly throughput: ThroughputResult;
  readonly stream: StreamResult;
};

const waitHealthy = async (url: string, timeoutMs: number): Promise<void> => {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`${url}/healthz not ready within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

/**
 * Starts one system (worker first, so its queues exist before the gateway routes to them; then
 * the gateway, ready once `/healthz` answers 200), runs the four scenarios against it in a fixed
 * order — idle-socket memory first, on a fresh process — and stops both process groups, whatever
 * happens. `log` gets one line per step.
 */
export const runSystem = async (
  spec: SystemSpec,
  options: {
    readonly root: string;
    readonly amqpUrl: string;
    readonly port: number;
    readonly settings: BenchSettings;
    readonly log: (line: string) => void;
  },
): Promise<SystemResult> => {
  const { settings, log } = options;
  const commands = systemCommands(spec, options.root, options.amqpUrl, options.port);
  const started: BenchProcess[] = [];
  const url = `http://127.0.0.1:${options.port}`;
  try {
    started.push(
      await startProcess({ name: `${spec.id} worker`, ...commands.worker, cwd: options.root }),
    );
    const gateway = await startProcess({
      name: `${spec.id} gateway`,
      ...commands.gateway,
      cwd: options.root,
    });
    started.push(gateway);
    await waitHealthy(url, 30_000);
    const memory = await measureMemory(url, gateway.pid, settings.idleSockets, settings.settleMs);
    log(`  memory: ${(memory.bytesPerSocket / 1024).toFixed(1)} KiB per idle socket`);
    const roundTrip = await measureRoundTrip(url, settings.roundTrips, settings.roundTripWarmup);
    log(`  round trip: p50 ${roundTrip.p50.toFixed(3)} ms, p99 ${roundTrip.p99.toFixed(3)} ms`);
    const throughput = await measureThroughput(url, {
      sockets: settings.throughputSockets,
      inFlight: settings.throughputInFlight,
      warmupMs: settings.throughputWarmupMs,
      durationMs: settings.throughputDurationMs,
    });
    log(
      `  throughput: ${throughput.requestsPerSecond.toFixed(0)} req/s, p99 ${throughput.latency.p99.toFixed(1)} ms`,
    );
    const stream = await measureStream(url, settings.streamChunks);
    log(
      `  stream: ${stream.chunksPerSecond.toFixed(0)} chunks/s (${stream.inOrder ? "in order" : "OUT OF ORDER"})`,
    );
    return { system: spec, memory, roundTrip, throughput, stream };
  } finally {
    for (const child of started.reverse()) await child.stop();
  }
};
