import type { Broker, DeliveredMessage } from "@taskbridge/broker";
import {
  createError,
  createHandlerContext,
  type ErrorBody,
  type Handlers,
  type Logger,
  realTimers,
  runHandler,
  toErrorBody,
} from "@taskbridge/core/protocol";
import { createChunkBatcher } from "./createChunkBatcher.js";
import { createReplySender } from "./createReplySender.js";
import { createRequeueBackoff, type RequeueBackoffOptions } from "./createRequeueBackoff.js";
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

export type RequestRunnerOptions = RequeueBackoffOptions & {
  readonly broker: Broker;
  readonly handlers: Handlers;
  readonly logger: Logger;
  /** Send one terminal `error` `CANCELLED` when a running request is cancelled. */
  readonly replyOnCancel: boolean;
  /** Unconfirmed replies from which a streaming handler waits before its next item. */
  readonly maxPendingReplies: number;
  /**
   * How a request whose gateway accepts `chunks` (`x-accept`) batches its chunks
   * (docs/protocol.md §14.2, `createChunkBatcher`); `maxChunks` 1 sends every chunk alone.
   */
  readonly chunkBatching: { readonly windowMs: number; readonly maxChunks: number };
};

/** What `createRequestRunner` returns. */
export type RequestRunner = {
  /** Runs one accepted request message; `onDone` is called once `Run.done` settles. */
  readonly run: (message: DeliveredMessage, meta: RequestMeta, onDone: (run: Run) => void) => Run;
  /** Hands back every message whose delayed hand-back is pending, at once; later ones too. */
  readonly handBackAll: () => void;
};

const decoder = new TextDecoder();
const json = (value: unknown): string => JSON.stringify(value) ?? "null";
const errorJson = (error: ErrorBody): string => JSON.stringify(error);

/**
 * Creates the function that runs one accepted request message through its handler (core's
 * `runHandler`, the runner of the memory transport and, in Python, `execute`) and answers it
 * exactly as docs/protocol.md §3 says: chunks and progress in order, one terminal reply, the ack
 * only after the broker confirmed that terminal reply. A body that is not JSON gets
 * `BAD_REQUEST`, a type without a handler `UNKNOWN_TYPE`, a throw `WORKER_ERROR` with the message
 * only (the stack goes to the logger's `error`), a thrown error body passes through (an `info`
 * line without a stack: the handler chose that answer). A streaming handler waits before its next
 * item while more than `maxPendingReplies` replies are unconfirmed. A request from a gateway that
 * accepts `chunks` has its chunks batched (`createChunkBatcher`, docs/protocol.md §14.2). A request
 * whose reply could not be published goes back to its queue after a back-off (`createRequeueBackoff`).
 */
export const createRequestRunner = ({
  broker,
  handlers,
  logger,
  replyOnCancel,
  maxPendingReplies,
  chunkBatching,
  ...backoffOptions
}: RequestRunnerOptions): RequestRunner => {
  const lowWater = Math.max(1, Math.floor(maxPendingReplies / 2));
  const timers = backoffOptions.timers ?? realTimers;
  const batching = chunkBatching.maxChunks > 1;
  const backoff = createRequeueBackoff(backoffOptions);

  const run = (message: DeliveredMessage, meta: RequestMeta, onDone: (run: Run) => void): Run => {
    const controller = new AbortController();
    let stopReason: StopReason | undefined;
    let settled = false;
    let publishFailed = false;
    const settle = (ack: boolean) => {
      if (settled) return;
      settled = true;
      if (ack) {
        backoff.forget(meta.correlationId);
        message.ack();
      } else if (publishFailed) backoff.handBackLater(meta.correlationId, message);
      else message.nack(true);
    };
    const sender = createReplySender({
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
    // Without `x-accept: chunks` the gateway reads version 1 replies only: every chunk alone.
    const replies =
      batching && meta.accept === "chunks"
        ? createChunkBatcher({ replies: sender, timers, ...chunkBatching })
        : sender;
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

    const ctx = createHandlerContext(
      {
        id: meta.id,
        type: meta.type,
        attempt: meta.attempt,
        signal: controller.signal,
        deadline: meta.deadline,
        principal: meta.principal,
      },
      (update) => {
        if (stopReason !== undefined) return;
        if (update.kind === "chunk") replies.send("chunk", json(update.data));
        else replies.send("progress", JSON.stringify(update.progress));
      },
    );

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
      // The handler stopped: chunks held for a batch go now, before anything else.
      replies.flush();
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

  return { run, handBackAll: backoff.handBackAll };
};
