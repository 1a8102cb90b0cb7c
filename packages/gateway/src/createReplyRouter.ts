import type { DeliveredMessage } from "@taskbridge/broker";
import { readDeath, replyQueueName } from "@taskbridge/broker";
import { createError } from "@taskbridge/core/protocol";
import type { OrphanHolder } from "./createOrphanHolder.js";
import type { RequestLifecycle } from "./createRequestLifecycle.js";
import type { RequestEntry, RequestTable } from "./createRequestTable.js";

export type ReplyRouterOptions = {
  readonly table: RequestTable;
  readonly lifecycle: RequestLifecycle;
  readonly orphans: OrphanHolder;
  readonly replyQueue: string;
};

export type ReplyRouter = {
  /** Handles one message of the gateway's reply queue. */
  readonly onReply: (message: DeliveredMessage) => void;
  /** Handles one reply of `entry` read from the reply stream it was adopted from (§14.3). */
  readonly route: (entry: RequestEntry, message: DeliveredMessage) => void;
  /** Handles one message of the gateway's dead-letter queue. */
  readonly onDeadLetter: (message: DeliveredMessage) => void;
};

const decoder = new TextDecoder();
const decode = (body: Uint8Array): unknown => {
  try {
    return JSON.parse(decoder.decode(body));
  } catch {
    return undefined;
  }
};
const toNumber = (value: unknown, fallback: number): number =>
  typeof value === "number" && Number.isFinite(value) ? value : fallback;

/**
 * Routes what comes back from RabbitMQ to the request it belongs to, by correlation id: worker
 * replies (`x-kind`, `x-seq`, `x-attempt`; a 1.1 `chunks` batch only with as many chunks as its
 * `x-count`) from the reply queue, and dead letters from the
 * gateway's dead-letter queue — `TIMEOUT` for reason `expired`, `WORKER_CRASHED` for
 * `delivery_limit` and any other reason; dead letters of other gateways are ignored. Messages for
 * keys the gateway does not know go to the orphan holder (kept only in a restarted process's first
 * minute). A request adopted from another gateway's reply stream (docs/protocol.md §14.3) takes
 * its replies from that stream only (`route`), where the owner's record of it (`x-kind:
 * accepted`) says that it exists, and its dead letters when they name that stream. What a
 * message means for its request is the lifecycle's to act on. The hot path: one map lookup, one
 * JSON parse, frames emitted synchronously.
 */
export const createReplyRouter = (options: ReplyRouterOptions): ReplyRouter => {
  const { table, lifecycle, orphans, replyQueue } = options;
  const route = (entry: RequestEntry, message: DeliveredMessage): void => {
    const headers = message.properties.headers ?? {};
    const kind = headers["x-kind"];
    if (kind === "accepted") {
      // The owner's record of the request in its reply stream (docs/protocol.md §14.3).
      const deadline = headers["x-deadline"];
      lifecycle.dispatch(entry, {
        type: "found",
        deadline: typeof deadline === "number" ? deadline : undefined,
      });
      return;
    }
    const body = decode(message.body);
    if (body === undefined && (kind === "result" || kind === "error")) {
      const error = createError("INTERNAL", "the worker sent an unreadable reply");
      lifecycle.dispatch(entry, { type: "failed", error });
      return;
    }
    // A batch (docs/protocol.md §14.2) that is not an array of exactly `x-count` chunks is
    // dropped whole, like a malformed chunk.
    if (kind === "chunks" && (!Array.isArray(body) || body.length !== headers["x-count"])) return;
    lifecycle.dispatch(entry, {
      type: "replied",
      kind,
      seq: toNumber(headers["x-seq"], 0),
      attempt: toNumber(headers["x-attempt"], 1),
      body,
    });
  };

  const onReply = (message: DeliveredMessage): void => {
    const key = message.properties.correlationId;
    if (key === undefined) return;
    const entry = table.byKey(key);
    if (entry === undefined) {
      orphans.hold(key, () => onReply(message));
      return;
    }
    // An adopted request reads its replies from its owner's stream, and only there.
    if (entry.origin === undefined) route(entry, message);
  };

  const onDeadLetter = (message: DeliveredMessage): void => {
    const { replyTo, correlationId: key, headers } = message.properties;
    if (key === undefined) return;
    const entry = table.byKey(key);
    const origin = entry?.origin;
    if (replyTo !== (origin === undefined ? replyQueue : replyQueueName(origin.gateway))) return;
    if (entry === undefined) {
      orphans.hold(key, () => onDeadLetter(message));
      return;
    }
    const reason = readDeath(headers)?.reason ?? "unknown";
    const error =
      reason === "expired"
        ? createError("TIMEOUT", "nobody took the request in time", {
            details: { reason },
            retryable: true,
          })
        : createError("WORKER_CRASHED", "the request failed on every attempt", {
            details: { reason },
          });
    lifecycle.dispatch(entry, { type: "failed", error });
  };

  return { onReply, route, onDeadLetter };
};
