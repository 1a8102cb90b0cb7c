import {
  DEFAULT_REPLAY_FRAMES,
  DEFAULT_TIMEOUT_MS,
  FINISHED_RETENTION_MS,
  MAX_PAYLOAD_BYTES,
  MAX_TIMEOUT_MS,
  MIN_HTTP_BUFFER_BYTES,
} from "@taskbridge/core/protocol";
import type { RateLimit } from "./createTokenBucket.js";

/** The gateway's limits and windows; every one can be overridden through `createGateway`'s `limits`. */
export type GatewayLimits = {
  /** A request payload over this many bytes of UTF-8 JSON is `PAYLOAD_TOO_LARGE`. */
  readonly maxPayloadBytes: number;
  /** Socket.IO's `maxHttpBufferSize`: a larger event drops the socket, so keep it above the payload limit. */
  readonly maxHttpBufferSize: number;
  /** Requests of one session without a terminal frame yet; beyond it `RATE_LIMITED`. */
  readonly maxInFlightPerSession: number;
  /** Token bucket per session; an empty bucket is `RATE_LIMITED`. */
  readonly rateLimit: RateLimit;
  readonly defaultTimeoutMs: number;
  readonly maxTimeoutMs: number;
  /** Frames held per request for `resume` (at least the last this many). */
  readonly replayFrames: number;
  /**
   * How long an `accepted` frame for a 1.1 socket may wait for the request's next frame so that
   * both leave in one socket write (docs/protocol.md §14.4); 0: sent at once.
   */
  readonly acceptedHoldMs: number;
  /** How long a finished request is remembered (its frames held, its id taken). */
  readonly retentionMs: number;
  /**
   * At most this many finished requests are remembered; beyond it the oldest finished ones are
   * forgotten before `retentionMs` (docs/protocol.md §2.7). Requests in flight do not count.
   */
  readonly maxRetainedRequests: number;
  /** How long after start a gateway holds frames of unknown keys for a `resume` (0: off). */
  readonly orphanWindowMs: number;
  /** A service not announced for this long drops out of the catalog. */
  readonly registryWindowMs: number;
};

/**
 * The defaults of docs/protocol.md §2 and §6, plus 100 requests in flight and 100 per second per
 * session, and 100,000 finished requests retained.
 */
export const DEFAULT_GATEWAY_LIMITS: GatewayLimits = {
  maxPayloadBytes: MAX_PAYLOAD_BYTES,
  maxHttpBufferSize: MIN_HTTP_BUFFER_BYTES,
  maxInFlightPerSession: 100,
  rateLimit: { tokens: 100, perMs: 1000 },
  defaultTimeoutMs: DEFAULT_TIMEOUT_MS,
  maxTimeoutMs: MAX_TIMEOUT_MS,
  replayFrames: DEFAULT_REPLAY_FRAMES,
  acceptedHoldMs: 2,
  retentionMs: FINISHED_RETENTION_MS,
  // About 1 KB of heap each for a small request (bench/measureRetainedRequests.ts): ~100 MB at
  // most, and the full retention holds up to 1,666 finished requests a second.
  maxRetainedRequests: 100_000,
  orphanWindowMs: 60_000,
  registryWindowMs: 30_000,
};
