import type { DeliveredMessage } from "@taskbridge/broker";
import { readDeath } from "@taskbridge/broker";
import type { Logger } from "@taskbridge/core/protocol";
import { createError } from "@taskbridge/core/protocol";
import type { OrphanHolder } from "./createOrphanHolder.js";
import type { RequestTable } from "./createRequestTable.js";

export type ReplyRouterOptions = {
  readonly table: RequestTable;
  readonly orphans: OrphanHolder;
  readonly replyQueue: string;
  readonly logger: Logger;
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
 * replies (`x-kind`, `x-seq`, `x-attempt`) from the reply queue, and dead letters from the
 * gateway's dead-letter queue — `TIMEOUT` for reason `expired`, `WORKER_CRASHED` for
 * `delivery_limit` and any other reason; dead letters of other gateways are ignored. Messages for
 * keys the gateway does not know go to the orphan holder (kept only in a restarted process's first
 * minute). The hot path: one map lookup, one JSON parse, frames emitted synchronously.
 */
export const createReplyRouter = ({ table, orphans, replyQueue, logger }: ReplyRouterOptions) => {
  const onReply = (message: DeliveredMessage): void => {
    const key = message.properties.correlationId;
    if (key === undefined) return;
    const entry = table.byKey(key);
    if (entry === undefined) {
      orphans.hold(key, () => onReply(message));
      return;
    }
    entry.awaitingFirstFrame = false;
    const headers = message.properties.headers ?? {};
    const kind = headers["x-kind"];
    const body = decode(message.body);
    try {
      if (body === undefined && (kind === "result" || kind === "error")) {
        entry.frames.end(createError("INTERNAL", "the worker sent an unreadable reply"));
        return;
      }
      entry.frames.fromWorker(
        kind,
        toNumber(headers["x-seq"], 0),
        toNumber(headers["x-attempt"], 1),
        body,
      );
    } catch (error) {
      logger.error("reply hook failed", { error: String(error) });
      entry.frames.end(createError("INTERNAL", "a gateway plugin failed"));
    }
  };

  const onDeadLetter = (message: DeliveredMessage): void => {
    const { replyTo, correlationId: key, headers } = message.properties;
    if (replyTo !== replyQueue || key === undefined) return;
    const entry = table.byKey(key);
    if (entry === undefined) {
      orphans.hold(key, () => onDeadLetter(message));
      return;
    }
    const reason = readDeath(headers)?.reason ?? "unknown";
    entry.awaitingFirstFrame = false;
    entry.frames.end(
      reason === "expired"
        ? createError("TIMEOUT", "nobody took the request in time", {
            details: { reason },
            retryable: true,
          })
        : createError("WORKER_CRASHED", "the request failed on every attempt", {
            details: { reason },
          }),
    );
  };

  return { onReply, onDeadLetter };
};
