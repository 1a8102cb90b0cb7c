/** How much each scenario does; `--quick` shrinks everything to finish in under a minute. */
export type BenchSettings = {
  readonly quick: boolean;
  readonly roundTrips: number;
  readonly roundTripWarmup: number;
  readonly throughputSockets: number;
  readonly throughputInFlight: number;
  readonly throughputWarmupMs: number;
  readonly throughputDurationMs: number;
  readonly streamChunks: number;
  readonly idleSockets: number;
  readonly settleMs: number;
  readonly browserChunks: number;
};

/** The figures (full run) or a smoke-sized version of them (`--quick`). */
export const benchSettings = (quick: boolean): BenchSettings =>
  quick
    ? {
        quick,
        roundTrips: 300,
        roundTripWarmup: 50,
        throughputSockets: 20,
        throughputInFlight: 200,
        throughputWarmupMs: 500,
        throughputDurationMs: 2_000,
        streamChunks: 20_000,
        idleSockets: 500,
        settleMs: 500,
        browserChunks: 20_000,
      }
    : {
        quick,
        roundTrips: 2_000,
        roundTripWarmup: 200,
        throughputSockets: 20,
        throughputInFlight: 200,
        throughputWarmupMs: 2_000,
        throughputDurationMs: 8_000,
        streamChunks: 100_000,
        idleSockets: 5_000,
        settleMs: 2_000,
        browserChunks: 100_000,
      };
