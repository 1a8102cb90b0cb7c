import type { Broker } from "@taskbridge/broker";
import type { Logger } from "@taskbridge/core/protocol";

export type PublishCancelOptions = {
  readonly broker: Broker;
  /** `taskbridge.cancel`, the fanout every worker's control queue is bound to. */
  readonly exchange: string;
  /** The request key: the correlation id of the request message. */
  readonly requestKey: string;
  /** The request's `x-deadline`: how long a worker needs to remember the cancel. */
  readonly deadline: number;
  readonly logger: Logger;
};

/**
 * Tells every worker to stop a published request that ended at the gateway — by `cancel`, by the
 * gateway timer or by `frames-dropped` (docs/protocol.md §3.5): `{ correlationId, deadline }` as
 * JSON on the cancel fanout. Fire and forget: a failed publish is logged, and the request's own
 * `expiration` bounds what a lost cancel can cost.
 *
 * @example
 * publishCancel({ broker, exchange: CANCEL_EXCHANGE, requestKey, deadline, logger });
 */
export const publishCancel = (options: PublishCancelOptions): void => {
  const body = JSON.stringify({ correlationId: options.requestKey, deadline: options.deadline });
  options.broker
    .publish(options.exchange, "", body, { contentType: "application/json" })
    .catch((error: unknown) =>
      options.logger.warn("cancel publish failed", { error: String(error) }),
    );
};
