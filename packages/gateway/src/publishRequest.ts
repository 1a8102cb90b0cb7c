import { randomUUID } from "node:crypto";
import type { Broker } from "@taskbridge/broker";
import type { Logger } from "@taskbridge/core/protocol";
import { createError, type ErrorBody } from "@taskbridge/core/protocol";
import type { RequestEntry } from "./createRequestTable.js";
import type { Publication } from "./preparePublication.js";

/**
 * Publishes one request as docs/protocol.md §3 prescribes — default exchange, routing key = the
 * queue, `mandatory`, on the confirm channel, `correlationId` = the request key, `replyTo` = the
 * gateway's reply queue, a fresh `messageId`, `expiration` = the timeout, the plugins' headers —
 * and turns the broker's answer into frames: `accepted` on the confirm, `UNAVAILABLE` when the
 * message is returned (nobody serves the type; `unroutableError` may say more), nacked or the
 * broker is unreachable (retryable). Nothing is awaited by the caller: frames follow whenever the
 * confirm comes.
 */
/** A returned request: nobody serves its type right now. */
export const defaultUnroutableError = (type: string): ErrorBody =>
  createError("UNAVAILABLE", `no service takes requests of type ${type}`);

export const publishRequest = (
  broker: Broker,
  replyQueue: string,
  entry: RequestEntry,
  prepared: Publication,
  logger: Logger,
  unroutableError: (type: string) => ErrorBody = defaultUnroutableError,
): void => {
  entry.published = true;
  broker
    .publish("", prepared.queue, JSON.stringify(prepared.payload ?? null), {
      mandatory: true,
      contentType: "application/json",
      correlationId: entry.key,
      replyTo: replyQueue,
      messageId: randomUUID(),
      expiration: String(prepared.timeoutMs),
      headers: prepared.headers,
    })
    .then(
      (outcome) => {
        if (outcome === "routed") entry.frames.accept();
        else if (outcome === "returned") {
          entry.frames.end(unroutableError(entry.type));
        } else {
          entry.frames.end(
            createError("UNAVAILABLE", "the broker refused the request", { retryable: true }),
          );
        }
      },
      (error: unknown) => {
        logger.warn("request publish failed", { error: String(error) });
        entry.frames.end(
          createError("UNAVAILABLE", "the broker is unreachable", { retryable: true }),
        );
      },
    );
};
