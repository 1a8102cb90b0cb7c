import type { TargetId } from "./targets.js";

/**
 * Why a target is not met and the next lever, as `npm run bench` prints them under a target it
 * finds not met. Each note comes from a profile or a measurement in docs/benchmarks.md (`source`
 * says which); update it when a new profile says otherwise. A note whose `source` starts with
 * "placeholder" has not been measured: nobody profiled that case yet.
 */
export type TargetNote = {
  readonly why: string;
  readonly next: string;
  readonly source: string;
};

/** The "why / next lever" of each target (docs/benchmarks.md quotes them). */
export const TARGET_NOTES: Readonly<Record<TargetId, TargetNote>> = {
  roundTripP50: {
    why: "the gateway: ~110 µs more CPU per sequential request than the bare server, mostly Socket.IO and amqplib work per frame (socket writes 22 % of its time, taskbridge's own functions < 3 %); `accepted` adds a third socket write (0.09–0.12 ms)",
    next: "write `accepted` and a reply that arrive in the same I/O turn with one socket write; fewer allocations per frame in Socket.IO's emit path",
    source:
      "--ladder and a V8 CPU profile of the gateway over 3,200 round trips (benchmarks.md, What dominates)",
  },
  throughput: {
    why: "CPU-bound on 2 cores: ~45 % more CPU per request than the bare bridge over the four processes (+60 µs gateway, +35 µs worker, +30 µs RabbitMQ for confirms, mandatory and TTL, +15 µs client for `accepted`)",
    next: "cut the gateway's per-request CPU (the round trip's lever); RabbitMQ's share is the protocol's price",
    source: "CPU µs per request by process, full run and --ladder (benchmarks.md, What dominates)",
  },
  throughputVsNest: {
    why: "NestJS costs about as much CPU per request as taskbridge over the four processes (393–590 µs against 399–464: gateway 136–186 vs 137–156, worker 94–134 vs 91–100, RabbitMQ 126–228 vs 113–156), so on a CPU-bound machine taskbridge can lead only by what it saves per request; with 200 in flight a quiet machine may not even be CPU-bound (one run gave all three systems 4,911–4,921 req/s)",
    next: "cut taskbridge's CPU per request, the gateway first (the round trip's lever: Socket.IO emits and amqplib framing per frame); measure this ratio with more requests in flight before trusting a single run",
    source:
      "CPU µs per request by process in three runs of --quick --only classic (benchmarks.md, NestJS in quick runs); no CPU profile of NestJS yet",
  },
  stream: {
    why: "per message, before batching: RabbitMQ 36–55 µs and the gateway's Socket.IO frame 20–33 µs per chunk, one AMQP message and one event per chunk",
    next: "check that the run batched (protocol 1.1, docs/protocol.md §14.2: the load generator asks for it, worker and gateway must both speak it); with batching on, nobody has profiled a run that missed this target",
    source:
      "CPU µs per chunk by process, full run before batched chunks (benchmarks.md, What dominates)",
  },
  memory: {
    why: "the session record, its token bucket and request map, and three more listeners per socket",
    next: "not needed so far (met in every run)",
    source: "idle-socket RSS, full run (benchmarks.md, What dominates)",
  },
  pythonThroughput: {
    why: "the AMQP client: about two thirds of the worker's Python time is aiormq and pamqp (marshalling each publish, a task and a timer per frame read in asyncio's wait_for), taskbridge's code ~10 %",
    next: "a lean AMQP path for the hot loop: an asyncio.Protocol frame parser without a task per read, reply publishes from a per-request template, confirms in a deque",
    source: "cProfile of the worker in a quick run (benchmarks.md, Python worker)",
  },
  pythonChunksPerSecond: {
    why: "~93 µs of worker CPU per chunk, mostly aiormq and pamqp per published message",
    next: "batched chunks in the Python SDK (one message for many chunks), then the lean AMQP path",
    source: "cProfile and CPU µs per chunk, quick runs (benchmarks.md, Python worker)",
  },
  browserMainThreadMs: {
    why: "React's commit per batch in the parent (~300 ms), the request store copying the chunk array per batch (O(n²), ~150 ms at 100,000), the virtualizer's getMeasurements per frame (~130 ms)",
    next: "append chunks without copying in createRequestStore and notify subscribers at most once per frame",
    source:
      "CDP CPU profile of a paced 100,000-chunk stream (benchmarks.md, StreamingLog in Chromium)",
  },
  browserLateTaskMs: {
    why: "no measured run had a long task after the first second",
    next: "profile it: node --import tsx bench/client/runBrowserAlone.ts 100000 1 --profile",
    source: "placeholder: nobody has profiled a run where this target was not met",
  },
  browserScrollable: {
    why: "no measured run failed the scroll check",
    next: "look at the run's scrollCheck in the JSON report (Home, wheel, End) and StreamingLog's keyboard handling",
    source: "placeholder: nobody has profiled a run where this target was not met",
  },
};
