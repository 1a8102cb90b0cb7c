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
    why: "the protocol's own steps cost most of it on the bare bridge itself: `baseline+confirms` (the bare server and worker plus the publish confirm and `accepted`, reply confirms and the ack after the confirm; no taskbridge code), in every run's table, was 1.29x classic and 1.11x quorum of bare in the quiet full run, and taskbridge 1.16x / 1.19x of that floor. One request at a time those steps are three more RabbitMQ-to-process wake-ups per request; `strace -c` counts the same system calls per request for taskbridge and baseline+confirms (gateway 3 reads and 2-3 writes, worker 2 and 2), so the rest is user-space work per request (gateway CPU profile: amqplib ~7 % of samples, taskbridge's gateway code ~8 %)",
    next: "below the floor only by dropping a guarantee of docs/protocol.md (publish confirms, the ack after the reply's confirm), which the project does not do; above it: the gateway's JavaScript per request (done: prom-client's histogram, ~5 % of its samples, is now a plain one)",
    source:
      "quiet full run 2026-12-07 (baseline+confirms rows), warm sequential probes with /proc CPU and strace -c per process, Bun CPU profiles of the gateway (benchmarks.md, The request/reply path)",
  },
  throughput: {
    why: "the protocol's steps alone put the bare bridge at 0.74x classic and 0.86x quorum (baseline+confirms, quiet full run); taskbridge reached 1.03x / 0.94x of that floor and spent the same CPU per request over the four processes (classic 345 against 351 µs)",
    next: "0.9x bare is above the protocol's own floor on this machine: reachable only without publish confirms or with the ack before the reply's confirm. Read this ratio beside the floor's, printed in the same table",
    source:
      "quiet full run 2026-12-07 (baseline+confirms rows, CPU µs per request by process) (benchmarks.md, Results)",
  },
  throughputVsNest: {
    why: "NestJS acks each request when its handler starts (no ack after the reply's confirm) and replies by direct reply-to; on quorum queues it reached 0.78x bare, so 1.5x NestJS would have been 1.17x the bare bridge (3900 req/s) and 1.35x the floor with the protocol's steps (3355); on classic 1.13x that floor (1.5 x 3879 = 5819 against 5161 req/s)",
    next: "not reachable with the protocol's guarantees on 2 cores; the ratio follows the floor's (taskbridge 1.37x classic, 1.04x quorum in the quiet full run)",
    source:
      "quiet full run 2026-12-07 (nest-bun and baseline+confirms rows) (benchmarks.md, Results)",
  },
  stream: {
    why: "per message, before batching: RabbitMQ 36–55 µs and the gateway's Socket.IO frame 20–33 µs per chunk, one AMQP message and one event per chunk",
    next: "check that the run batched (protocol 1.1, docs/protocol.md §14.2: the load generator asks for it, worker and gateway must both speak it); with batching on no measured run has missed this target",
    source:
      "CPU µs per chunk by process, full run before batched chunks (benchmarks.md, What dominates)",
  },
  memory: {
    why: "the session record, its token bucket and request map, and three more listeners per socket",
    next: "not needed so far (met in every run)",
    source: "idle-socket RSS, full run (benchmarks.md, What dominates)",
  },
  pythonThroughput: {
    why: "the worker's own CPU per request, 99–134 µs against the TS worker's 75–100 (its Python time: taskbridge's AMQP decoding and encoding 37 %, built-ins 20 %, aiormq's writer task and future bookkeeping 15 %, asyncio 12 %, pamqp's header tables 6 %, JSON 6 %); while it is the busiest process the gateway, RabbitMQ and the load generator batch less and spend more per request beside it. Met in seven quick runs (0.54–1.35×), so a miss is most likely a loaded minute",
    next: "fewer tasks and futures per request in the worker (a consumer task, a handler task and a confirm future, each registered in aiormq's FutureStore), e.g. run an async handler that returns without awaiting inside the consumer's task",
    source:
      "cProfile of the worker and CPU µs per request by process, 4 alternating before/after quick runs and 3 more (benchmarks.md, Python worker, Third round)",
  },
  pythonChunksPerSecond: {
    why: "no measured run since batched chunks missed it (42,588–317,800 chunks/s); a version 1 gateway gets one message per chunk",
    next: "check that the run batched (protocol 1.1: the gateway sends x-accept: chunks), then profile the worker under cProfile",
    source: "CPU µs per chunk, quick runs (benchmarks.md, Python worker)",
  },
  browserMainThreadMs: {
    why: "since the store flushes once per animation frame (paced 700–890 commits -> 35–70, 2.1–3.0 s -> 0.3–0.6 s of main thread at load 3.5–7; 1,445 ms and no long task in the quiet full run of 2026-12-07), a miss means the machine's load: the rest is the memory transport's JSON copy of each chunk (~50 ms), the virtualizer's getMeasurements per frame (~30 ms), React's two commits per frame (store, then the log's line count) and the chunk array copied per flush (~15 ms)",
    next: "profile the run (runBrowserAlone.ts 100000 1 --profile); then compute the virtualizer's window arithmetically (fixed row height) and let StreamingLog draw the store's frame-paced count in the same commit",
    source:
      "CDP CPU profile of a paced 100,000-chunk stream after scheduleFlushPerFrame (benchmarks.md, StreamingLog in Chromium)",
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
