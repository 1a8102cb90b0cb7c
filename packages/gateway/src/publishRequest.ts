import { randomUUID } from "node:crypto";
import type { Broker } from "@taskbridge/broker";
import { createError, type ErrorBody, type Logger } from "@taskbridge/core/protocol";
import type { Publication } from "./preparePublication.js";

/** What the broker's answer means for the request: `accepted`, or the error that ends it. */
export type PublishAnswer =
  | { readonly type: "accepted" }
  | { readonly type: "failed"; readonly error: ErrorBody };

export type PublishRequestOptions = {
  readonly broker: Broker;
  /** The gateway's reply queue: the message's `replyTo`. */
  readonly replyQueue: string;
  /**
   * True when the reply queue is a stream (docs/protocol.md §14.3): the request's record
   * (`x-kind: accepted`, `x-deadline`) is written to it first, so an adopting gateway can tell a
   * running request from an unknown one, and `accepted` waits for both confirms.
   */
  readonly record?: boolean;
  /** The request key: the message's `correlationId`. */
  readonly requestKey: string;
  readonly publication: Publication;
  /** The error when the broker returns the message: no queue takes the type. */
  readonly unroutableError: () => ErrorBody;
  /** Told the broker's answer, whenever it comes. */
  readonly onAnswer: (answer: PublishAnswer) => void;
  readonly logger: Logger;
};

/**
 * Publishes one request as docs/protocol.md §3.2 prescribes — default exchange, routing key = the
 * queue, `mandatory`, on the confirm channel, `correlationId` = the request key, `replyTo` = the
 * gateway's reply queue, a fresh `messageId`, `expiration` = the timeout, the plugins' headers
 * and `x-accept: chunks` (§14.1) —
 * and turns the broker's answer into `accepted` on the confirm, or `failed` when the message is
 * returned (`unroutableError`), nacked or the broker is unreachable (`UNAVAILABLE`, retryable).
 * With a reply stream the request's record goes to the stream first (`record`). Nothing is
 * awaited by the caller.
 */
export const publishRequest = (options: PublishRequestOptions): void => {
  const { publication, onAnswer } = options;
  const fail = (error: ErrorBody): void => onAnswer({ type: "failed", error });
  // Published first on the same confirm channel, so the stream holds it before any reply.
  const recorded = !options.record
    ? undefined
    : options.broker
        .publish("", options.replyQueue, "null", {
          contentType: "application/json",
          correlationId: options.requestKey,
          headers: { "x-kind": "accepted", "x-deadline": publication.deadline },
        })
        .catch((error: unknown) => {
          // The request runs regardless; only an adoption before its first reply would miss it.
          options.logger.warn("request record publish failed", { error: String(error) });
          return "nacked" as const;
        });
  options.broker
    .publish(
      "",
      publication.queue,
      publication.payloadJson ?? JSON.stringify(publication.payload ?? null),
      {
        mandatory: true,
        contentType: "application/json",
        correlationId: options.requestKey,
        replyTo: options.replyQueue,
        messageId: randomUUID(),
        expiration: String(publication.timeoutMs),
        // This gateway reads `chunks` batches (docs/protocol.md §14.1); v1 workers ignore it.
        headers: { ...publication.headers, "x-accept": "chunks" },
      },
    )
    .then((outcome) => (recorded === undefined ? outcome : recorded.then(() => outcome)))
    .then(
      (outcome) => {
        if (outcome === "routed") onAnswer({ type: "accepted" });
        else if (outcome === "returned") fail(options.unroutableError());
        else {
          fail(createError("UNAVAILABLE", "the broker refused the request", { retryable: true }));
        }
      },
      (error: unknown) => {
        options.logger.warn("request publish failed", { error: String(error) });
        fail(createError("UNAVAILABLE", "the broker is unreachable", { retryable: true }));
      },
    );
};
