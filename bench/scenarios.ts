import { performance } from "node:perf_hooks";
import { connectLoadSocket, connectMany, type Frame } from "./loadClient.js";
import { readRss } from "./processes.js";

/** A `demo.echo` payload whose UTF-8 JSON is exactly 100 bytes (for 0 ≤ i < 10^84). */
export const echoPayload = (i: number): { readonly i: number; readonly text: string } => ({
  i,
  text: "x".repeat(84 - String(i).length),
});

const expectResult = (frame: Frame, what: string): void => {
  if (frame.kind !== "result") {
    throw new Error(`${what} ended with ${frame.kind}: ${JSON.stringify(frame.error ?? frame)}`);
  }
};

/**
 * Sequential round trips of a 100-byte `demo.echo` on one socket: `warmup` calls not measured,
 * then `count` measured one after the other (the latency a user feels on an idle system); resolves
 * with the latencies in ms.
 */
export const measureRoundTrip = async (
  url: string,
  count: number,
  warmup: number,
): Promise<number[]> => {
  const socket = await connectLoadSocket(url);
  try {
    const latencies: number[] = [];
    for (let i = 0; i < warmup + count; i += 1) {
      const started = performance.now();
      const frame = await socket.call("demo.echo", echoPayload(i));
      const elapsed = performance.now() - started;
      expectResult(frame, "demo.echo");
      if (i >= warmup) latencies.push(elapsed);
    }
    return latencies;
  } finally {
    socket.close();
  }
};

export type ThroughputSample = {
  /** Requests completed inside the measured window, and their latencies (ms). */
  readonly latencies: number[];
  readonly elapsedMs: number;
  readonly errors: number;
  /** Requests completed in the whole call, warm-up included. */
  readonly total: number;
};

/**
 * Closed-loop load: `inFlight` requests kept outstanding over `sockets` sockets (each completion
 * sends the next), for `warmupMs` unmeasured and then `durationMs` measured. Completions inside
 * the measured window count, with their latencies.
 */
export const measureThroughput = async (
  url: string,
  options: { sockets: number; inFlight: number; warmupMs: number; durationMs: number },
): Promise<ThroughputSample> => {
  const sockets = await connectMany(url, options.sockets);
  try {
    const latencies: number[] = [];
    let errors = 0;
    let measuring = false;
    let stopping = false;
    let n = 0;
    let total = 0;
    const loop = async (socketIndex: number): Promise<void> => {
      const socket = sockets[socketIndex % sockets.length];
      if (socket === undefined) return;
      while (!stopping) {
        n += 1;
        const started = performance.now();
        const frame = await socket.call("demo.echo", echoPayload(n));
        const elapsed = performance.now() - started;
        total += 1;
        if (measuring && !stopping) {
          if (frame.kind === "result") latencies.push(elapsed);
          else errors += 1;
        }
      }
    };
    const loops = Array.from({ length: options.inFlight }, (_, i) => loop(i));
    await new Promise((resolve) => setTimeout(resolve, options.warmupMs));
    measuring = true;
    const started = performance.now();
    await new Promise((resolve) => setTimeout(resolve, options.durationMs));
    const elapsed = performance.now() - started;
    measuring = false;
    stopping = true;
    await Promise.all(loops);
    return { latencies, elapsedMs: elapsed, errors, total };
  } finally {
    for (const socket of sockets) socket.close();
  }
};

export type StreamResult = {
  readonly chunks: number;
  readonly chunksPerSecond: number;
  readonly milliseconds: number;
  readonly inOrder: boolean;
};

/**
 * One `demo.count` of `n` chunks: the time from sending the request to its `result`, and whether
 * the stream was exact — every chunk `{ i }` arrived once and in order, with consecutive seqs and
 * the result right after the last chunk (chunks per second = n / that time).
 */
export const measureStream = async (url: string, n: number): Promise<StreamResult> => {
  const socket = await connectLoadSocket(url);
  try {
    // Warm the path so the first request's setup (queues, JIT) is not in the figure.
    await socket.call("demo.count", { n: 100 });
    let expected = 0;
    let inOrder = true;
    let lastSeq: number | undefined;
    const started = performance.now();
    const frame = await socket.call("demo.count", { n }, (chunk) => {
      if (chunk.kind !== "chunk") return;
      if ((chunk.data as { i?: unknown } | null)?.i !== expected) inOrder = false;
      if (lastSeq !== undefined && chunk.seq !== lastSeq + 1) inOrder = false;
      lastSeq = chunk.seq;
      expected += 1;
    });
    const milliseconds = performance.now() - started;
    expectResult(frame, "demo.count");
    if (lastSeq !== undefined && frame.seq !== lastSeq + 1) inOrder = false;
    return {
      chunks: expected,
      chunksPerSecond: (expected / milliseconds) * 1000,
      milliseconds,
      inOrder: inOrder && expected === n,
    };
  } finally {
    socket.close();
  }
};

export type MemoryResult = {
  readonly sockets: number;
  readonly rssBeforeBytes: number;
  readonly rssAfterBytes: number;
  readonly bytesPerSocket: number;
};

/**
 * Gateway RSS per idle socket: the server's resident memory before and after `count` sockets
 * connected (handshake done, then `settleMs` of quiet), divided by `count`. Sockets are opened in
 * batches and closed afterwards.
 */
export const measureMemory = async (
  url: string,
  pid: number,
  count: number,
  settleMs: number,
): Promise<MemoryResult> => {
  const probe = await connectLoadSocket(url);
  await probe.call("demo.echo", echoPayload(0));
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  const rssBeforeBytes = await readRss(pid);
  const sockets = await connectMany(url, count);
  try {
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    const rssAfterBytes = await readRss(pid);
    return {
      sockets: count,
      rssBeforeBytes,
      rssAfterBytes,
      bytesPerSocket: (rssAfterBytes - rssBeforeBytes) / count,
    };
  } finally {
    for (const socket of sockets) socket.close();
    probe.close();
  }
};
