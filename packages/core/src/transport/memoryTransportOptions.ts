import type { ErrorBody, Handlers } from "../protocol/index.js";
import type { Timers } from "../protocol/timers.js";
import type { Contract } from "./defineContract.js";

export type MemoryTransportOptions = {
  /** The handlers by request type: the same objects a worker serves. */
  readonly handlers: Handlers;
  /** Delay before a request reaches its handler (after `accepted`). Default 0. */
  readonly latencyMs?: number;
  /** Up to this much extra delay, `random() * jitterMs`, per request. Default 0. */
  readonly jitterMs?: number;
  /** Share of requests, in [0, 1], refused with `failWith` (no `accepted`). Default 0. */
  readonly failureRate?: number;
  /** The error of an injected failure. Default `UNAVAILABLE`, retryable. */
  readonly failWith?: ErrorBody;
  /** Source of randomness for jitter and failures, in [0, 1). Default `Math.random`. */
  readonly random?: () => number;
  /** Timeout of a request without `timeoutMs`. Default 10 minutes. */
  readonly defaultTimeoutMs?: number;
  /** Longest timeout granted; longer ones are clamped. Default 24 hours. */
  readonly maxTimeoutMs?: number;
  /** Payloads larger than this (UTF-8 JSON bytes) are refused. Default 1 MiB. */
  readonly maxPayloadBytes?: number;
  /**
   * Payload schemas by type, checked before a request is accepted, as a gateway checks the
   * `payloadSchema` a worker announced: a payload that fails is refused with `BAD_REQUEST`
   * (`details.issues` name the failing fields), without `accepted`.
   */
  readonly contract?: Contract;
  /** `ctx.principal` of every handler. Default `anon`. */
  readonly principal?: string;
  /**
   * Simulated worker crashes: called at the start of each attempt; a number `k` makes that
   * attempt crash after its `k`-th chunk or progress frame (0: before it sends anything), as if
   * the worker process died; the client gets `restart` and the handler runs again with the next
   * `ctx.attempt`. A handler may also `throw simulateWorkerCrash()`.
   */
  readonly crash?: (request: {
    type: string;
    payload: unknown;
    attempt: number;
  }) => number | false | undefined;
  /** Attempts before a crashing request ends `WORKER_CRASHED`. Default 4 (delivery limit 3). */
  readonly maxAttempts?: number;
  readonly now?: () => number;
  /** Default `realTimers`; the memory transport only sets and clears timeouts. */
  readonly timers?: Pick<Timers, "setTimeout" | "clearTimeout">;
  /** Where an exception thrown by a frame listener goes. Default `console.error`. */
  readonly onListenerError?: (thrown: unknown) => void;
};
