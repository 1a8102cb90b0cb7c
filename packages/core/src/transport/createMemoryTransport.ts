import { createListeners } from "../protocol/createListeners.js";
import {
  cancelledError,
  createError,
  DEFAULT_TIMEOUT_MS,
  type ErrorBody,
  MAX_TIMEOUT_MS,
} from "../protocol/index.js";
import { LONGEST_TIMEOUT_MS, realTimers } from "../protocol/timers.js";
import { admitMemoryRequest } from "./admitMemoryRequest.js";
import { createMemoryFlight, type MemoryFlight } from "./createMemoryFlight.js";
import type { MemoryTransportOptions } from "./memoryTransportOptions.js";
import { runMemoryAttempt } from "./runMemoryAttempt.js";
import type { ConnectionState, Transport } from "./transport.js";

export type { MemoryTransportOptions } from "./memoryTransportOptions.js";

/**
 * A `Transport` that runs worker handlers in-process with the semantics of docs/protocol.md: the
 * gateway's checks (`BAD_REQUEST`, `PAYLOAD_TOO_LARGE`, `UNKNOWN_TYPE` with no `accepted`),
 * `accepted` at seq 0, chunks and progress in order, exactly one terminal frame, `CANCELLED` at
 * once on cancel and `TIMEOUT` when the timer fires (both abort `ctx.signal`), `WORKER_ERROR`
 * for a throwing handler. Frames are always delivered asynchronously, in microtask batches, so a
 * handler may emit 50,000 chunks without waiting on timers. A `request` whose id is still in
 * flight gets its own `BAD_REQUEST` frame (the gateway's `protocol_error`) and the first request
 * goes on untouched; an id is free again as soon as its request ended. For Storybook, tests and
 * embedded mode; latency, jitter, failures and worker crashes can be injected.
 *
 * @example
 * const transport = createMemoryTransport({ handlers: referenceHandlers, latencyMs: 200 });
 * const echoed = await makeBackendRequest(transport, "demo.echo", { hello: "world" });
 */
export const createMemoryTransport = (options: MemoryTransportOptions): Transport => {
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const timers = options.timers ?? realTimers;
  const attemptOptions = { ...options, maxAttempts: options.maxAttempts ?? 4 };
  const onListenerError =
    options.onListenerError ??
    ((thrown: unknown) => console.error("taskbridge: a frame listener threw", thrown));
  const inFlight = new Map<string, MemoryFlight>();
  const connectionListeners = createListeners<[ConnectionState]>();
  let connection: ConnectionState = "connected";

  /** An injected failure (`failureRate`) for this request, or `undefined` to run it. */
  const injectedFailure = (): ErrorBody | undefined => {
    const rate = options.failureRate ?? 0;
    if (rate <= 0 || random() >= rate) return undefined;
    return (
      options.failWith ??
      createError("UNAVAILABLE", "injected failure: the service is unavailable", {
        retryable: true,
      })
    );
  };

  const send: Transport["send"] = (request, onFrame) => {
    const flight = createMemoryFlight(request.id, onFrame, {
      timers,
      onListenerError,
      onFinished: () => {
        if (inFlight.get(flight.id) === flight) inFlight.delete(flight.id);
      },
    });
    const refuse = (error: ErrorBody): void => flight.deliver({ kind: "error", error });
    if (connection === "closed")
      return refuse(createError("UNAVAILABLE", "the transport is closed"));
    const admission = admitMemoryRequest(request, options, (id) => inFlight.has(id));
    if (admission.kind === "refused") return refuse(admission.error);
    const { id, type, payload, timeoutMs: asked } = admission.request;
    const delay = (options.latencyMs ?? 0) + random() * (options.jitterMs ?? 0);
    // In flight from here on: a cancel or `close` during the latency ends it `CANCELLED`.
    inFlight.set(id, flight);
    const failure = injectedFailure();
    if (failure !== undefined) return flight.later(delay, () => refuse(failure));
    const timeoutMs = Math.min(
      asked ?? options.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS,
      options.maxTimeoutMs ?? MAX_TIMEOUT_MS,
      LONGEST_TIMEOUT_MS,
    );
    const deadline = now() + timeoutMs;
    flight.setTimer(timeoutMs, () =>
      flight.end(createError("TIMEOUT", `no result within ${timeoutMs} ms`, { retryable: true })),
    );
    flight.deliver({ kind: "accepted" });
    flight.later(delay, () =>
      runMemoryAttempt(flight, { type, payload, deadline }, attemptOptions),
    );
  };

  return {
    send,
    cancel: (id) => inFlight.get(id)?.end(cancelledError()),
    getConnectionState: () => connection,
    subscribeConnectionState: connectionListeners.subscribe,
    close: async () => {
      if (connection === "closed") return;
      for (const flight of [...inFlight.values()]) {
        flight.end(createError("CANCELLED", "the transport was closed"));
      }
      connection = "closed";
      connectionListeners.emit(connection);
      connectionListeners.clear();
      // Let the last frames reach their listeners before `close` resolves.
      await new Promise<void>((resolve) => queueMicrotask(resolve));
    },
  };
};
