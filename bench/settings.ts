/** How much each scenario does; `--quick` shrinks everything to finish in under a minute. */
export type BenchSettings = {
  readonly quick: boolean;
  /** Measured round trips in total, split over the rounds. */
  readonly roundTrips: number;
  readonly roundTripWarmup: number;
  readonly throughputSockets: number;
  readonly throughputInFlight: number;
  /** Unmeasured load before each round's measured window. */
  readonly throughputWarmupMs: number;
  /** Measured time in total, split over the rounds. */
  readonly throughputDurationMs: number;
  readonly streamChunks: number;
  readonly idleSockets: number;
  readonly settleMs: number;
  readonly browserChunks: number;
  /** Round trips and throughput are measured in this many rounds, alternating between systems. */
  readonly rounds: number;
  readonly streamRounds: number;
};

/** Just enough to prove every path runs (`--smoke`, used by test/bench.smoke.test.ts). */
export const SMOKE_SETTINGS: BenchSettings = {
  quick: true,
  roundTrips: 20,
  roundTripWarmup: 5,
  throughputSockets: 4,
  throughputInFlight: 20,
  throughputWarmupMs: 100,
  throughputDurationMs: 300,
  streamChunks: 1_000,
  idleSockets: 20,
  settleMs: 100,
  browserChunks: 2_000,
  rounds: 1,
  streamRounds: 1,
};

/** The figures (full run) or a smaller version of them (`--quick`, under a minute). */
export const benchSettings = (quick: boolean): BenchSettings =>
  quick
    ? {
        quick,
        roundTrips: 200,
        roundTripWarmup: 50,
        throughputSockets: 20,
        throughputInFlight: 200,
        throughputWarmupMs: 300,
        throughputDurationMs: 1_500,
        streamChunks: 10_000,
        idleSockets: 500,
        settleMs: 500,
        browserChunks: 10_000,
        rounds: 2,
        streamRounds: 1,
      }
    : {
        quick,
        roundTrips: 2_000,
        roundTripWarmup: 200,
        throughputSockets: 20,
        throughputInFlight: 200,
        throughputWarmupMs: 1_000,
        throughputDurationMs: 8_000,
        streamChunks: 100_000,
        idleSockets: 5_000,
        settleMs: 2_000,
        browserChunks: 100_000,
        rounds: 4,
        streamRounds: 2,
      };

/** Where the scale-out section's gateways and worker find RabbitMQ. */
export type ScaleBroker = "cluster" | "shared";

/**
 * The scale-out section (docs/benchmarks.md "Scale-out"): the same TS worker and 1, 2 and 3
 * gateways behind HAProxy, with classic and with stream reply queues, then idle sockets spread
 * over the gateways.
 */
export type ScaleSettings = {
  /** `cluster`: 3 throwaway RabbitMQ nodes joined into one; `shared`: a virtual host on AMQP_URL (smoke). */
  readonly broker: ScaleBroker;
  readonly replyQueueTypes: readonly ("classic" | "stream")[];
  /** Sockets of the closed loop: a multiple of 1, 2 and 3, so round-robin spreads them evenly. */
  readonly throughputSockets: number;
  readonly throughputInFlight: number;
  readonly throughputWarmupMs: number;
  /** Measured time per round and configuration. */
  readonly throughputRoundMs: number;
  readonly rounds: number;
  /** Idle sockets opened through HAProxy in front of all the gateways. */
  readonly idleSockets: number;
  /** Handshakes at a time while opening them. */
  readonly idleBatch: number;
  readonly settleMs: number;
};

/** `--scale` (full), `--quick --scale`, and `--smoke` (the shared broker instead of a cluster). */
export const scaleSettings = (mode: "full" | "quick" | "smoke"): ScaleSettings => {
  if (mode === "smoke") {
    return {
      broker: "shared",
      replyQueueTypes: ["classic", "stream"],
      throughputSockets: 6,
      throughputInFlight: 24,
      throughputWarmupMs: 100,
      throughputRoundMs: 300,
      rounds: 1,
      idleSockets: 30,
      idleBatch: 30,
      settleMs: 100,
    };
  }
  const quick = mode === "quick";
  return {
    broker: "cluster",
    replyQueueTypes: ["classic", "stream"],
    throughputSockets: 24,
    throughputInFlight: 200,
    throughputWarmupMs: quick ? 300 : 1_000,
    throughputRoundMs: quick ? 1_000 : 2_000,
    rounds: quick ? 1 : 3,
    idleSockets: quick ? 2_000 : 10_000,
    idleBatch: 250,
    settleMs: quick ? 500 : 2_000,
  };
};
