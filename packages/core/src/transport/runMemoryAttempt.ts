import { createHandlerContext } from "../protocol/createHandlerContext.js";
import { createError, type FrameBody, type HandlerContext } from "../protocol/index.js";
import { runHandler } from "../protocol/runHandler.js";
import type { MemoryFlight } from "./createMemoryFlight.js";
import type { MemoryTransportOptions } from "./memoryTransportOptions.js";
import { isWorkerCrash } from "./simulateWorkerCrash.js";

/** What one attempt runs: the request as admitted, and its deadline (epoch ms). */
export type MemoryAttemptRequest = {
  readonly type: string;
  readonly payload: unknown;
  readonly deadline: number;
};

export type MemoryAttemptOptions = Pick<
  MemoryTransportOptions,
  "handlers" | "crash" | "principal"
> & {
  /** Attempts before a crashing request ends `WORKER_CRASHED`. */
  readonly maxAttempts: number;
};

// Chunks, results and payloads cross JSON on the wire; copying them here keeps the fake honest
// (no shared references between handler and component, `undefined` becomes `null`).
const viaJson = (value: unknown): unknown =>
  value === undefined ? null : JSON.parse(JSON.stringify(value));

/**
 * Runs the flight's current attempt of its handler through `runHandler`, as a worker would: its
 * chunks and progress become frames (copied through JSON), its result or error the terminal
 * frame. Simulated worker crashes happen here — after the `k`-th frame `options.crash` asked for,
 * or when the handler throws `simulateWorkerCrash()`: the attempt's signal is aborted, the client
 * gets `restart`, and the next attempt runs, until the last one ends `WORKER_CRASHED`.
 *
 * @example
 * flight.later(latencyMs, () => runMemoryAttempt(flight, { type, payload, deadline }, options));
 */
export const runMemoryAttempt = (
  flight: MemoryFlight,
  request: MemoryAttemptRequest,
  options: MemoryAttemptOptions,
): void => {
  if (flight.isFinished()) return;
  const { type, payload, deadline } = request;
  const attempt = flight.attempt();
  const controller = flight.startAttempt();
  const crashAfter = options.crash?.({ type, payload, attempt });
  let sent = 0;
  const isCurrent = () => !flight.isFinished() && flight.attempt() === attempt;

  const crash = (): void => {
    if (!isCurrent()) return;
    controller.abort(createError("WORKER_CRASHED", "the worker crashed"));
    if (attempt >= options.maxAttempts) {
      const error = createError("WORKER_CRASHED", `the worker crashed ${attempt} times`);
      flight.deliver({ kind: "error", error });
      return;
    }
    flight.deliver({ kind: "restart", attempt: flight.nextAttempt() });
    queueMicrotask(() => runMemoryAttempt(flight, request, options));
  };

  const send = (body: FrameBody): void => {
    if (!isCurrent()) return;
    flight.deliver(body);
    sent++;
    if (typeof crashAfter === "number" && sent >= crashAfter) crash();
  };

  if (crashAfter === 0) {
    crash();
    return;
  }
  const ctx: HandlerContext = createHandlerContext(
    {
      id: flight.id,
      type,
      attempt,
      signal: controller.signal,
      deadline,
      principal: options.principal ?? "anon",
    },
    (update) =>
      send(update.kind === "chunk" ? { kind: "chunk", data: viaJson(update.data) } : update),
  );
  const handler = options.handlers[type]!;
  void runHandler(handler, viaJson(payload), ctx).then((outcome) => {
    if (!isCurrent() || outcome.kind === "cancelled") return;
    if (outcome.kind === "error" && isWorkerCrash(outcome.thrown)) return crash();
    if (outcome.kind === "error") return flight.deliver({ kind: "error", error: outcome.error });
    let data: unknown;
    try {
      data = viaJson(outcome.data);
    } catch {
      const error = createError("WORKER_ERROR", "the handler's result is not JSON");
      return flight.deliver({ kind: "error", error });
    }
    flight.deliver({ kind: "result", data });
  });
};
