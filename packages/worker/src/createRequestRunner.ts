import type { Broker, DeliveredMessage } from "@taskbridge/broker";
import {
  createError,
  type ErrorBody,
  type HandlerContext,
  type Handlers,
  type Logger,
  realTimers,
  runHandler,
  type Timers,
  toErrorBody,
} from "@taskbridge/core/protocol";
import { createReplySender } from "./createReplySender.js";
import { logHandlerError } from "./logHandlerError.js";
import type { RequestMeta } from "./readRequestMeta.js";

/** Why a running request's signal was aborted. */
export type StopReason = "cancel" | "shutdown" | "lost";

/** One request being run: what `registerHandlers` tracks to cancel it or hand it back. */
export type Run = {
  readonly meta: RequestMeta;
  readonly message: DeliveredMessage;
  /**
   * Aborts the handler's signal. `cancel` ends the request (optionally with `CANCELLED`) and acks
   * it once the handler stops; `shutdown` and `lost` send nothing more and hand it back.
   */
  readonly stop: (reason: StopReason) => void;
  /**
   * Settles once the handler stopped and the message is acked or handed back (or its hand-back
   * is scheduled, after a reply could not be published: see `RequestRunner.handBackAll`).
   */
  readonly done: Promise<void>;
};

export type RequestRunnerOptions = {
  readonly broker: Broker;
  readonly handlers: Handlers;
  readonly logger: Logger;
  /** Send one terminal `error` `CANCELLED` when a running request is cancelled. */
  readonly replyOnCancel: boolean;
  /** Unconfirmed replies from which a streaming handler waits before its next item. */
  readonly maxPendingReplies: number;
  /** Runs the delayed hand-backs. Default: the real timers. */
  readonly timers?: Pick<Timers, "setTimeout" | "clearTimeout">;
  /** First delay before a request whose reply could not be published is handed back. Default 100. */
  readonly requeueDelayMs?: number;
  /** The delay doubles per failure of the same request, up to this. Default 5 000. */
  readonly maxRequeueDelayMs?: number;
};

/** What `createRequestRunner` returns. */
export type RequestRunner = {
  /** Runs one accepted request message; `onDone` is called once `Run.done` settles. */
  readonly run: (message: DeliveredMessage, meta: RequestMeta, onDone: (run: Run) => void) => Run;
  /** Hands back every message whose delayed hand-back is pending, at once; later ones too. */
  readonly handBackAll: () => void;
};

export const DEFAULT_REQUEUE_DELAY_MS = 100;
export const DEFAULT_MAX_REQUEUE_DELAY_MS = 5_000;
/** Requests whose failure count is remembered (the oldest is forgotten first). */
const MAX_TRACKED_FAILURES = 10_000;

const decoder = new TextDecoder();
const json = (value: unknown): string => JSON.stringify(value) ?? "null";
const errorJson = (error: ErrorBody): string => JSON.stringify(error);
/**
 * Creates the function that runs one accepted request message through its handler and answers
 * it exactly as docs/protocol.md §3 says: chunks and progress in order, one terminal reply, the ack
 * only after the broker confirmed that terminal reply. A body that is not JSON gets
 * `BAD_REQUEST`, a type without a handler `UNKNOWN_TYPE`, a throw `WORKER_ERROR` with the message
 * only (the stack goes to the logger's `error`), a thrown error body passes through (an `info`
 * line without a stack: the handler chose that answer). An async iterable or
 * a generator object returned by the handler streams its items as chunks and then a `null`
 * result; a generator's
 * `return` value is ignored, as in the Python SDK, whose async generators cannot return one.
 *
 * When a reply cannot be published (the broker nacks it or is unreachable) the message goes back
 * to its queue only after a delay that doubles per failure of the same request (by correlation
 * id; 100 ms up to 5 s by default), so a live consumer facing a persistent failure does not
 * redeliver it in a tight loop and burn its delivery limit. `handBackAll` (at `close()`) hands
 * back whatever waits at once.
 */
export const createRequestRunner = ({
  broker,
  handlers,
  logger,
  replyOnCancel,
  maxPendingReplies,
  timers = realTimers,
  requeueDelayMs = DEFAULT_REQUEUE_DELAY_MS,
  maxRequeueDelayMs = DEFAULT_MAX_REQUEUE_DELAY_MS,
}: RequestRunnerOptions): RequestRunner => {
  const lowWater = Math.max(1, Math.floor(maxPendingReplies / 2));
  const failures = new Map<string, number>();
  const delayed = new Map<unknown, () => void>();
  let handingBack = false;

  /** Nacks (requeue) after the back-off of `key`, and counts one more failure for it. */
  const handBackLater = (key: string, message: DeliveredMessage) => {
    const count = failures.get(key) ?? 0;
    failures.delete(key);
    failures.set(key, count + 1);
    if (failures.size > MAX_TRACKED_FAILURES) failures.delete(failures.keys().next().value ?? "");
    if (handingBack) return message.nack(true);
    const ms = Math.min(maxRequeueDelayMs, requeueDelayMs * 2 ** Math.min(count, 30));
    const handle = timers.setTimeout(() => {
      delayed.delete(handle);
      message.nack(true);
    }, ms);
    delayed.set(handle, () => {
      timers.clearTimeout(handle);
      message.nack(true);
    });
  };

  const handBackAll = () => {
    handingBack = true;
    const all = [...delayed.values()];
    delayed.clear();
    for (const nack of all) nack();
  };

  const run = (message: DeliveredMessage, meta: RequestMeta, onDone: (run: Run) => void): Run => {
    const controller = new AbortController();
    let stopReason: StopReason | undefined;
    let settled = false;
    let publishFailed = false;
    const settle = (ack: boolean) => {
      if (settled) return;
      settled = true;
      if (ack) {
        failures.delete(meta.correlationId);
        message.ack();
      } else if (publishFailed) handBackLater(meta.correlationId, message);
      else message.nack(true);
    };
    const replies = createReplySender({
      broker,
      replyTo: meta.replyTo ?? "",
      correlationId: meta.correlationId,
      attempt: meta.attempt,
      lowWater,
      window: maxPendingReplies,
      onFailure: (error) => {
        logger.warn("a reply could not be published; the request goes back to its queue", {
          type: meta.type,
          correlationId: meta.correlationId,
          error: String(error),
        });
        publishFailed = true;
        stop("lost");
      },
    });
    const stop = (reason: StopReason) => {
      if (stopReason !== undefined) {
        // Cancelled, and still running at shutdown: nobody wants it any more, so ack it.
        if (reason === "shutdown" && stopReason === "cancel") settle(true);
        return;
      }
      stopReason = reason;
      // Shutdown and a lost channel hand the message back at once: its handler may never stop.
      if (reason !== "cancel") settle(false);
      controller.abort(reason);
    };
    const finish = async (kind: "result" | "error", body: string) => {
      if (await replies.finish(kind, body)) return settle(true);
      publishFailed = true;
      settle(false);
    };

    const ctx: HandlerContext = {
      id: meta.id,
      type: meta.type,
      attempt: meta.attempt,
      signal: controller.signal,
      deadline: meta.deadline,
      principal: meta.principal,
      emit: (chunk) => {
        if (stopReason === undefined) replies.send("chunk", json(chunk));
      },
      progress: (done, total, text) => {
        if (stopReason !== undefined) return;
        const body =
          total === undefined && text === undefined
            ? { done }
            : text === undefined
              ? { done, total }
              : total === undefined
                ? { done, message: text }
                : { done, total, message: text };
        replies.send("progress", JSON.stringify(body));
      },
    };

    const execute = async (): Promise<void> => {
      let payload: unknown;
      try {
        payload = message.body.length === 0 ? null : JSON.parse(decoder.decode(message.body));
      } catch {
        logger.warn("a request body is not valid JSON", { type: meta.type, id: meta.id });
        return finish(
          "error",
          errorJson(createError("BAD_REQUEST", "the request body is not valid JSON")),
        );
      }
      const handler = Object.hasOwn(handlers, meta.type) ? handlers[meta.type] : undefined;
      if (handler === undefined) {
        const error = createError("UNKNOWN_TYPE", `this worker does not serve "${meta.type}"`);
        return finish("error", errorJson(error));
      }
      const outcome = await runHandler(handler, payload, ctx, {
        // Back-pressure: a streaming handler waits while too many replies are unconfirmed.
        waitWritable: () => (replies.pending() > maxPendingReplies ? replies.drain() : undefined),
      });
      if (settled) return;
      if (stopReason === "cancel") {
        if (!replyOnCancel) return settle(true);
        return finish("error", errorJson(createError("CANCELLED", "the request was cancelled")));
      }
      if (stopReason !== undefined || outcome.kind === "cancelled") return settle(false);
      if (outcome.kind === "error") {
        logHandlerError(logger, meta, outcome.thrown, outcome.error);
        return finish("error", errorJson(outcome.error));
      }
      let body: string;
      try {
        body = json(outcome.data);
      } catch (thrown) {
        // A result JSON cannot carry (a BigInt, a cycle) fails like a throwing handler.
        const error = toErrorBody(thrown);
        logHandlerError(logger, meta, thrown, error);
        return finish("error", errorJson(error));
      }
      return finish("result", body);
    };

    const run: Run = {
      meta,
      message,
      stop,
      done: execute().then(
        () => onDone(run),
        (error: unknown) => {
          logger.error("a request could not be settled", { id: meta.id, error: String(error) });
          settle(false);
          onDone(run);
        },
      ),
    };
    return run;
  };

  return { run, handBackAll };
};
