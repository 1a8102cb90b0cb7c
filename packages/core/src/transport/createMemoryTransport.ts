import {
  cancelledError,
  createError,
  DEFAULT_TIMEOUT_MS,
  type ErrorBody,
  type FrameBody,
  type HandlerContext,
  isTerminalFrame,
  MAX_PAYLOAD_BYTES,
  MAX_TIMEOUT_MS,
  PROTOCOL_VERSION,
  parseRequestEvent,
  type ReplyFrame,
} from "../protocol/index.js";
import { createListeners } from "../protocol/listeners.js";
import { LONGEST_TIMEOUT_MS, realTimers } from "../protocol/timers.js";
import { describeZodIssues } from "./describeZodIssues.js";
import type { MemoryTransportOptions } from "./memoryTransportOptions.js";
import { runHandler } from "./runHandler.js";
import { isWorkerCrash } from "./simulateWorkerCrash.js";
import type { ConnectionState, FrameListener, Transport } from "./types.js";

export type { MemoryTransportOptions } from "./memoryTransportOptions.js";

// setTimeout fires at once for delays above 2^31 - 1 ms (about 24.8 days).

type Flight = {
  readonly id: string;
  readonly onFrame: FrameListener;
  seq: number;
  attempt: number;
  finished: boolean;
  controller: AbortController;
  timers: unknown[];
  outbox: ReplyFrame[];
};

// Chunks, results and payloads cross JSON on the wire; copying them here keeps the fake honest
// (no shared references between handler and component, `undefined` becomes `null`).
const viaJson = (value: unknown): unknown =>
  value === undefined ? null : JSON.parse(JSON.stringify(value));

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
  const maxAttempts = options.maxAttempts ?? 4;
  const onListenerError =
    options.onListenerError ??
    ((thrown: unknown) => console.error("taskbridge: a frame listener threw", thrown));
  const inFlight = new Map<string, Flight>();
  const connectionListeners = createListeners<[ConnectionState]>();
  let connection: ConnectionState = "connected";

  const drain = (flight: Flight): void => {
    const frames = flight.outbox;
    flight.outbox = [];
    for (const frame of frames) {
      try {
        flight.onFrame(frame);
      } catch (thrown) {
        onListenerError(thrown);
      }
    }
  };

  const deliver = (flight: Flight, body: FrameBody): void => {
    if (flight.finished) return;
    const frame = { ...body, id: flight.id, seq: flight.seq++ } as ReplyFrame;
    if (isTerminalFrame(frame)) {
      flight.finished = true;
      for (const handle of flight.timers) timers.clearTimeout(handle);
      if (inFlight.get(flight.id) === flight) inFlight.delete(flight.id);
    }
    flight.outbox.push(frame);
    if (flight.outbox.length === 1) queueMicrotask(() => drain(flight));
  };

  const end = (flight: Flight, error: ErrorBody): void => {
    if (flight.finished) return;
    deliver(flight, { kind: "error", error });
    flight.controller.abort(error);
  };

  const later = (flight: Flight, ms: number, callback: () => void): void => {
    if (ms <= 0) queueMicrotask(callback);
    else flight.timers.push(timers.setTimeout(callback, ms));
  };

  const newFlight = (id: string, onFrame: FrameListener): Flight => ({
    id,
    onFrame,
    seq: 0,
    attempt: 1,
    finished: false,
    controller: new AbortController(),
    timers: [],
    outbox: [],
  });

  const runAttempt = (flight: Flight, type: string, payload: unknown, deadline: number): void => {
    if (flight.finished) return;
    const attempt = flight.attempt;
    const controller = new AbortController();
    flight.controller = controller;
    const crashAfter = options.crash?.({ type, payload, attempt });
    let sent = 0;
    const isCurrent = () => !flight.finished && flight.attempt === attempt;
    const crash = (): void => {
      if (!isCurrent()) return;
      controller.abort(createError("WORKER_CRASHED", "the worker crashed"));
      if (attempt >= maxAttempts) {
        deliver(flight, {
          kind: "error",
          error: createError("WORKER_CRASHED", `the worker crashed ${attempt} times`),
        });
        return;
      }
      flight.attempt = attempt + 1;
      deliver(flight, { kind: "restart", attempt: attempt + 1 });
      queueMicrotask(() => runAttempt(flight, type, payload, deadline));
    };
    const send = (body: FrameBody): void => {
      if (!isCurrent()) return;
      deliver(flight, body);
      sent++;
      if (typeof crashAfter === "number" && sent >= crashAfter) crash();
    };
    if (crashAfter === 0) {
      crash();
      return;
    }
    const ctx: HandlerContext = {
      id: flight.id,
      type,
      attempt,
      signal: controller.signal,
      deadline,
      principal: options.principal ?? "anon",
      emit: (chunk) => send({ kind: "chunk", data: viaJson(chunk) }),
      progress: (done, total, message) =>
        send({
          kind: "progress",
          progress: {
            done,
            ...(total === undefined ? {} : { total }),
            ...(message === undefined ? {} : { message }),
          },
        }),
    };
    const handler = options.handlers[type]!;
    void runHandler(handler, viaJson(payload), ctx).then((outcome) => {
      if (!isCurrent() || outcome.kind === "cancelled") return;
      if (outcome.kind === "error" && isWorkerCrash(outcome.thrown)) crash();
      else if (outcome.kind === "error") deliver(flight, { kind: "error", error: outcome.error });
      else {
        let data: unknown;
        try {
          data = viaJson(outcome.data);
        } catch {
          deliver(flight, {
            kind: "error",
            error: createError("WORKER_ERROR", "the handler's result is not JSON"),
          });
          return;
        }
        deliver(flight, { kind: "result", data });
      }
    });
  };

  const refuse = (flight: Flight, error: ErrorBody): void =>
    deliver(flight, { kind: "error", error });

  const send: Transport["send"] = (request, onFrame) => {
    const flight = newFlight(request.id, onFrame);
    if (connection === "closed") {
      return refuse(flight, createError("UNAVAILABLE", "the transport is closed"));
    }
    const parsed = parseRequestEvent(
      { ...request, v: PROTOCOL_VERSION },
      options.maxPayloadBytes ?? MAX_PAYLOAD_BYTES,
    );
    if (parsed.kind !== "ok") return refuse(flight, parsed.error);
    const { id, type, payload } = parsed.value;
    if (inFlight.has(id)) {
      return refuse(
        flight,
        createError("BAD_REQUEST", `request id ${id} is already in flight`, { details: { id } }),
      );
    }
    if (!Object.hasOwn(options.handlers, type)) {
      return refuse(flight, createError("UNKNOWN_TYPE", `no service serves ${type}`));
    }
    const schema = options.contract?.[type]?.payload;
    const checked = schema?.safeParse(payload);
    if (checked && !checked.success) {
      return refuse(
        flight,
        createError("BAD_REQUEST", `invalid payload for ${type}`, {
          details: { issues: describeZodIssues(checked.error) },
        }),
      );
    }
    const delay = (options.latencyMs ?? 0) + random() * (options.jitterMs ?? 0);
    // In flight from here on: a cancel or `close` during the latency ends it `CANCELLED`.
    inFlight.set(id, flight);
    if ((options.failureRate ?? 0) > 0 && random() < (options.failureRate ?? 0)) {
      const error =
        options.failWith ??
        createError("UNAVAILABLE", "injected failure: the service is unavailable", {
          retryable: true,
        });
      later(flight, delay, () => refuse(flight, error));
      return;
    }
    const timeoutMs = Math.min(
      parsed.value.timeoutMs ?? options.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS,
      options.maxTimeoutMs ?? MAX_TIMEOUT_MS,
      LONGEST_TIMEOUT_MS,
    );
    const deadline = now() + timeoutMs;
    flight.timers.push(
      timers.setTimeout(
        () =>
          end(
            flight,
            createError("TIMEOUT", `no result within ${timeoutMs} ms`, { retryable: true }),
          ),
        timeoutMs,
      ),
    );
    deliver(flight, { kind: "accepted" });
    later(flight, delay, () => runAttempt(flight, type, payload, deadline));
  };

  const setConnection = (state: ConnectionState): void => {
    connection = state;
    connectionListeners.emit(state);
  };

  return {
    send,
    cancel: (id) => {
      const flight = inFlight.get(id);
      if (flight) end(flight, cancelledError());
    },
    getConnectionState: () => connection,
    subscribeConnectionState: connectionListeners.subscribe,
    close: async () => {
      if (connection === "closed") return;
      for (const flight of [...inFlight.values()]) {
        end(flight, createError("CANCELLED", "the transport was closed"));
      }
      setConnection("closed");
      connectionListeners.clear();
      // Let the last frames reach their listeners before `close` resolves.
      await new Promise<void>((resolve) => queueMicrotask(resolve));
    },
  };
};
