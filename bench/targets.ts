/**
 * Issue 15's targets, as `npm run bench` checks them: ratios of taskbridge (gateway on Bun, TS
 * worker) to the bare bridge and to NestJS of the same run and queue type, the Python worker's
 * figures, and StreamingLog's in Chromium. `max`: the figure must be at most this; `min`: at least.
 */
export const TARGETS = {
  /** taskbridge ÷ bare bridge, round trip p50. */
  roundTripP50: { max: 1.2 },
  /** taskbridge ÷ bare bridge, requests per second under load. */
  throughput: { min: 0.9 },
  /** taskbridge ÷ NestJS (bench/nest/), requests per second under load. */
  throughputVsNest: { min: 1.5 },
  /** taskbridge ÷ bare bridge, chunks per second of one long stream. */
  stream: { min: 1.5 },
  /** taskbridge ÷ bare bridge, gateway RSS per idle socket (the target before issue 15). */
  memory: { max: 1.2 },
  /** Python worker ÷ TS worker, requests per second under load (same gateway, same run). */
  pythonThroughput: { min: 0.5 },
  /** Python worker, chunks per second of one long stream. */
  pythonChunksPerSecond: { min: 20_000 },
  /** StreamingLog, main-thread ms for 100,000 chunks. */
  browserMainThreadMs: { max: 2_000 },
  /** StreamingLog, the longest task (ms) that starts after the stream's first second. */
  browserLateTaskMs: { max: 50 },
} as const;

/** What the bench gives a verdict on: the targets above, and whether StreamingLog scrolls. */
export type TargetId = keyof typeof TARGETS | "browserScrollable";

/** StreamingLog's targets are for this many chunks; other runs say theirs were fewer. */
export const BROWSER_TARGET_CHUNKS = 100_000;
