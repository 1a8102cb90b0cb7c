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
    why: "with one request at a time nothing batches: the publish confirm, the reply's confirm and the ack after it are three more RabbitMQ-to-process wake-ups per request than the bare bridge (812 against 487 µs of CPU per sequential round trip over the four processes, RabbitMQ's share the largest); the ladder's `+ confirms` step alone costs 1.12x",
    next: "done: `accepted` is held up to 2 ms for a 1.1 socket so that a quick reply shares its socket write (docs/protocol.md §14.4; 10 alternating quick pairs, hold 0 vs 2 ms: p50 ÷ bare 1.64 -> 1.50x classic, 1.54 -> 1.21x quorum, medians; throughput ÷ bare unchanged). Left: the confirms and the ack after the confirm, the protocol's own wake-ups (`+ confirms` 1.12x)",
    source:
      "alternating before/after quick runs, --ladder, Bun CPU profiles of gateway and worker, and 10 alternating quick pairs of TASKBRIDGE_ACCEPTED_HOLD_MS=0/2 (benchmarks.md, The request/reply path)",
  },
  throughput: {
    why: "classic: the gateway spends ~30 µs and the worker ~15 µs more per request than bare (110/75 against 80/57 µs), mostly amqplib (decoding confirms, the five-header request) and the second Socket.IO frame; taskbridge's own JavaScript is ~8 and ~5 µs",
    next: "fewer, larger writes to RabbitMQ: socket writes are the top item of both profiles (29 % of the gateway, 43 % of the worker)",
    source:
      "CPU µs per request by process and Bun CPU profiles, alternating quick runs (benchmarks.md, The request/reply path)",
  },
  throughputVsNest: {
    why: "NestJS costs 133/98/123/36 µs per request (gateway/worker/RabbitMQ/client) against taskbridge's 110/75/99/40; on 2 CPU-bound cores 1.5x NestJS would need taskbridge about 10 % cheaper than the bare bridge itself",
    next: "the throughput lever (fewer writes to RabbitMQ); measure with more requests in flight on a quieter machine before trusting one run",
    source:
      "CPU µs per request by process in alternating quick runs (benchmarks.md, The request/reply path); no CPU profile of NestJS",
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
    why: "since the store flushes once per animation frame (paced 700–890 commits -> 35–70, 2.1–3.0 s -> 0.3–0.6 s of main thread at load 3.5–7), a miss means the machine's load: the rest is the memory transport's JSON copy of each chunk (~50 ms), the virtualizer's getMeasurements per frame (~30 ms), React's two commits per frame (store, then the log's line count) and the chunk array copied per flush (~15 ms)",
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
