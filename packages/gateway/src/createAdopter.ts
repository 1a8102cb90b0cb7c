import type { Broker } from "@taskbridge/broker";
import { claimRoutingKey, REGISTRY_EXCHANGE } from "@taskbridge/broker";
import type { Logger } from "@taskbridge/core/protocol";
import type { ReplyRouter } from "./createReplyRouter.js";
import type { Adoption, RequestLifecycle } from "./createRequestLifecycle.js";
import type { RequestEntry, Session } from "./createRequestTable.js";
import type { StreamFollowers } from "./createStreamFollowers.js";
import type { FrameSocket } from "./reduceRequestRecord.js";

export type AdopterOptions = {
  readonly lifecycle: RequestLifecycle;
  readonly router: Pick<ReplyRouter, "route">;
  readonly followers: StreamFollowers;
  readonly broker: Broker;
  /** This gateway's id: its claims say who made them, so it ignores its own. */
  readonly gatewayId: string;
  /** The gateway's registry queue, bound to `claim.<owner>` for every owner it adopts from. */
  readonly registryQueue: string;
  readonly logger: Logger;
};

/** What `createAdopter` returns. */
export type Adopter = {
  /** Takes over request `id` of `session`, resumed by `socket` with `adoption`'s `gateway` and `at`. */
  readonly adopt: (session: Session, socket: FrameSocket, id: string, adoption: Adoption) => void;
  /** `entry` is no longer in flight here: stop reading its owner's stream for it. */
  readonly gone: (entry: RequestEntry) => void;
};

/**
 * Adoption (docs/protocol.md §14.3): a `resume` for a request this gateway does not hold, naming
 * the gateway whose reply stream holds its replies. The request is registered (the lifecycle
 * numbers its frames from 0 as the owner did and withholds what the client has), its key is
 * followed in the owner's stream; once that stream is being read, a claim goes to
 * `taskbridge.registry` `claim.<owner>` — the owner, and any earlier adopter, then forgets it —
 * and this gateway's registry queue is bound to `claim.<owner>` so that a later adopter's claim
 * reaches it too. Found nothing by the time everything written before the resume was read, or
 * no such stream: `NOT_FOUND`.
 *
 * @example
 * adopter.adopt(session, socket, "r1", { after: 4, timeoutMs: 60_000, gateway: "gw-a", at });
 */
export const createAdopter = (options: AdopterOptions): Adopter => {
  const { lifecycle, router, followers, broker, logger } = options;
  const bound = new Set<string>();

  const claim = (owner: string, key: string): void => {
    if (!bound.has(owner)) {
      bound.add(owner);
      broker
        .bindQueue(options.registryQueue, REGISTRY_EXCHANGE, claimRoutingKey(owner))
        .catch((error: unknown) => {
          bound.delete(owner);
          logger.warn("could not bind to claims", { owner, error: String(error) });
        });
    }
    const body = JSON.stringify({ key, by: options.gatewayId });
    broker
      .publish(REGISTRY_EXCHANGE, claimRoutingKey(owner), body, {
        contentType: "application/json",
      })
      .catch((error: unknown) => logger.warn("claim publish failed", { error: String(error) }));
  };

  return {
    adopt: (session, socket, id, adoption) => {
      const entry = lifecycle.adopt(session, socket, id, adoption);
      followers.follow(adoption.gateway, entry.key, adoption.at, {
        onReading: () => claim(adoption.gateway, entry.key),
        onMessage: (message) => router.route(entry, message),
        onCaughtUp: () => lifecycle.dispatch(entry, { type: "searched" }),
        onMissing: () => lifecycle.dispatch(entry, { type: "searched" }),
      });
    },
    gone: (entry) => {
      if (entry.origin !== undefined) followers.unfollow(entry.key);
    },
  };
};
