import type { Broker, PublishOutcome } from "../broker/types.js";

/** The reply kinds a worker sends (PROTOCOL.md §2 `x-kind`). */
export type ReplyKind = "chunk" | "progress" | "result" | "error";

/**
 * The replies of one attempt of one request, in order. Non-terminal replies are published without
 * waiting for their confirms (the channel keeps their order); `pending()` tells how many are
 * unconfirmed so a streaming loop can wait (`drain()`) instead of queueing without bound. The
 * terminal reply's promise resolves only on the broker's confirm, which is what allows the ack.
 */
export type ReplySender = {
  /** Publishes a `chunk` or `progress` body (already JSON). Ignored once failed or finished. */
  readonly send: (kind: "chunk" | "progress", json: string) => void;
  /** Publishes the terminal reply; resolves `true` once the broker confirmed it (`false`: nacked or lost). */
  readonly finish: (kind: "result" | "error", json: string) => Promise<boolean>;
  /** Replies published and not yet confirmed. */
  readonly pending: () => number;
  /** Resolves when at most `lowWater` replies are unconfirmed (at once when already so). */
  readonly drain: () => Promise<void>;
  /** True once a publish failed (a lost channel): nothing more is sent. */
  readonly failed: () => boolean;
};

export type ReplySenderOptions = {
  readonly broker: Broker;
  readonly replyTo: string;
  readonly correlationId: string;
  readonly attempt: number;
  /** Called once, on the first failed publish. */
  readonly onFailure: (error: unknown) => void;
  readonly lowWater?: number;
};

const CONTENT_TYPE = "application/json";

/**
 * Creates the sender of one attempt's replies: `x-seq` counts 0, 1, 2 … across everything it
 * sends, `x-attempt` is fixed, and replies go to the default exchange with routing key `replyTo`.
 *
 * @example
 * const replies = createReplySender({ broker, replyTo, correlationId, attempt: 1, onFailure });
 * replies.send("chunk", JSON.stringify({ i: 0 }));
 * if (await replies.finish("result", "null")) message.ack();
 */
export const createReplySender = ({
  broker,
  replyTo,
  correlationId,
  attempt,
  onFailure,
  lowWater = 64,
}: ReplySenderOptions): ReplySender => {
  let seq = 0;
  let unconfirmed = 0;
  let failure = false;
  let finished = false;
  let drainWaiter: (() => void) | undefined;
  let drainPromise: Promise<void> | undefined;

  const fail = (error: unknown) => {
    if (failure) return;
    failure = true;
    onFailure(error);
  };
  const settled = () => {
    unconfirmed -= 1;
    if (drainWaiter !== undefined && (unconfirmed <= lowWater || failure)) {
      const wake = drainWaiter;
      drainWaiter = undefined;
      drainPromise = undefined;
      wake();
    }
  };
  // Two closures per sender, shared by all its publishes: no allocation per chunk beyond the
  // properties and the promise the broker returns.
  const onConfirm = (_outcome: PublishOutcome) => settled();
  const onReject = (error: unknown) => {
    fail(error);
    settled();
  };
  const publish = (kind: ReplyKind, json: string): Promise<PublishOutcome> => {
    unconfirmed += 1;
    const promise = broker.publish("", replyTo, json, {
      correlationId,
      contentType: CONTENT_TYPE,
      headers: { "x-kind": kind, "x-seq": seq, "x-attempt": attempt },
    });
    seq += 1;
    return promise;
  };

  return {
    send: (kind, json) => {
      if (failure || finished) return;
      publish(kind, json).then(onConfirm, onReject);
    },
    finish: async (kind, json) => {
      if (failure || finished) return false;
      finished = true;
      try {
        const outcome = await publish(kind, json);
        settled();
        return outcome !== "nacked" && !failure;
      } catch (error) {
        onReject(error);
        return false;
      }
    },
    pending: () => unconfirmed,
    drain: () => {
      if (unconfirmed <= lowWater || failure) return Promise.resolve();
      drainPromise ??= new Promise<void>((resolve) => {
        drainWaiter = resolve;
      });
      return drainPromise;
    },
    failed: () => failure,
  };
};
