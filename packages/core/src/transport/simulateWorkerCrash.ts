const WORKER_CRASH = Symbol.for("taskbridge.workerCrash");

/** What `simulateWorkerCrash` returns: a marker, not an error body. */
export type WorkerCrash = { readonly [WORKER_CRASH]: true; readonly message: string };

/**
 * A value a handler throws to make the memory transport behave as if the worker process died
 * mid-request: the attempt's signal is aborted, the client gets `restart` with the next attempt,
 * and the handler runs again with `ctx.attempt` one higher (after the last allowed attempt the
 * request ends `WORKER_CRASHED`, like RabbitMQ's delivery limit). Meant for stories and tests;
 * a real worker that throws it just fails with `WORKER_ERROR`.
 *
 * @example
 * const flaky: Handler<null, string> = async (_payload, ctx) => {
 *   ctx.emit("partial");
 *   if (ctx.attempt === 1) throw simulateWorkerCrash();
 *   return "done";
 * };
 */
export const simulateWorkerCrash = (message = "the worker crashed"): WorkerCrash => ({
  [WORKER_CRASH]: true,
  message,
});

/** True for the marker `simulateWorkerCrash` makes. */
export const isWorkerCrash = (value: unknown): value is WorkerCrash =>
  typeof value === "object" && value !== null && WORKER_CRASH in value;
