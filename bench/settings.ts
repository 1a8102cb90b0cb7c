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
