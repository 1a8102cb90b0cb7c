import type { Broker, PublishOutcome } from "@taskbridge/broker";

/** The reply kinds a worker sends (docs/protocol.md §3 `x-kind`; `chunks` only to a 1.1 gateway, §14.2). */
export type ReplyKind = "chunk" | "chunks" | "progress" | "result" | "error";

/**
 * The replies of one attempt of one request, in order. Non-terminal replies are published without
 * waiting for their confirms (the channel keeps their order); `pending()` tells how many are
 * unconfirmed so a streaming loop can wait (`drain()`) instead of queueing without bound. The
 * terminal reply's promise resolves only on the broker's confirm, which is what allows the ack.
 */
export type ReplySender = {
  /** Publishes a `chunk` or `progress` body (already JSON). Ignored once failed or finished. */
  readonly send: (kind: "chunk" | "progress", json: string) => void;
  /**
   * Publishes `count` chunks as one `chunks` reply (docs/protocol.md §14.2): `body` is their JSON
   * array, `x-seq` the first one's, `x-count` = `count`, and the next reply's `x-seq` is `count`
   * further on. Ignored once failed or finished.
   */
  readonly sendChunks: (body: string, count: number) => void;
  /** Sends what is held back now; replies here are never held, so only a batcher acts on it. */
  readonly flush: () => void;
  /** Publishes the terminal reply; resolves `true` once the broker confirmed it (`false`: nacked or lost). */
  readonly finish: (kind: "result" | "error", json: string) => Promise<boolean>;
  /** Replies sent and not yet confirmed (handed to the broker or still waiting for the window). */
  readonly pending: () => number;
  /** Resolves when at most `lowWater` replies are unconfirmed (at once when already so). */
  readonly drain: () => Promise<void>;
  /** True once a publish failed (a lost channel, or a nacked non-terminal reply): nothing more is sent. */
  readonly failed: () => boolean;
};

export type ReplySenderOptions = {
  readonly broker: Broker;
  readonly replyTo: string;
  readonly correlationId: string;
  readonly attempt: number;
  /** Called once, on the first failed publish (rejected, or a chunk or progress nacked). */
  readonly onFailure: (error: unknown) => void;
  readonly lowWater?: number;
  /**
   * Replies handed to the broker and not yet confirmed, at most (default 256). Beyond it replies
   * wait here, in order: a handler that emits 100,000 chunks in one synchronous loop then costs a
   * queue of strings, not 100,000 outstanding publishes (whose confirm bookkeeping in amqplib grows
   * with their number).
   */
  readonly window?: number;
};

const CONTENT_TYPE = "application/json";

type Waiting = {
  readonly kind: ReplyKind;
  readonly json: string;
  /** The chunks in a `chunks` reply. */
  readonly count?: number;
  /** The terminal reply's settlement. */
  readonly done?: (confirmed: boolean) => void;
};

/**
 * Creates the sender of one attempt's replies: `x-seq` counts 0, 1, 2 … across everything it
 * sends (a `chunks` reply counts its chunks), `x-attempt` is fixed, and replies go to the default
 * exchange with routing key `replyTo`. `createChunkBatcher` wraps it to batch chunks.
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
  window = 256,
}: ReplySenderOptions): ReplySender => {
  let seq = 0;
  let inFlight = 0;
  let failure = false;
  let finished = false;
  let drainWaiter: (() => void) | undefined;
  let drainPromise: Promise<void> | undefined;
  // A FIFO with a moving head: shifting a long array is O(n) per shift.
  const waiting: Waiting[] = [];
  let head = 0;
  const queued = () => waiting.length - head;
  const pending = () => inFlight + queued();

  const wakeDrain = () => {
    if (drainWaiter !== undefined && (pending() <= lowWater || failure)) {
      const wake = drainWaiter;
      drainWaiter = undefined;
      drainPromise = undefined;
      wake();
    }
  };
  const fail = (error: unknown) => {
    if (failure) return;
    failure = true;
    // Nothing more is sent: a waiting terminal reply is settled as lost.
    for (let i = head; i < waiting.length; i += 1) waiting[i]?.done?.(false);
    waiting.length = 0;
    head = 0;
    onFailure(error);
  };
  const publish = (next: Waiting): void => {
    inFlight += 1;
    const count = next.count;
    const headers =
      count === undefined
        ? { "x-kind": next.kind, "x-seq": seq, "x-attempt": attempt }
        : { "x-kind": next.kind, "x-seq": seq, "x-attempt": attempt, "x-count": count };
    seq += count ?? 1;
    broker
      .publish("", replyTo, next.json, { correlationId, contentType: CONTENT_TYPE, headers })
      .then(
        (outcome: PublishOutcome) => {
          inFlight -= 1;
          if (outcome === "nacked" && next.done === undefined) {
            // A lost chunk or progress is a hole in the stream (RabbitMQ nacks while a reply
            // stream's leader is re-elected, and may route the replies after it): stop here,
            // like a failed publish, so the request is handed back for a clean attempt.
            fail(new Error(`the broker nacked reply ${String(headers["x-seq"])}`));
            wakeDrain();
            return;
          }
          next.done?.(outcome !== "nacked" && !failure);
          pump();
        },
        (error: unknown) => {
          inFlight -= 1;
          fail(error);
          next.done?.(false);
          wakeDrain();
        },
      );
  };
  const pump = (): void => {
    while (!failure && inFlight < window && head < waiting.length) {
      const next = waiting[head] as Waiting;
      head += 1;
      publish(next);
    }
    if (head === waiting.length) {
      waiting.length = 0;
      head = 0;
    }
    wakeDrain();
  };
  const enqueue = (next: Waiting): void => {
    if (inFlight < window && head === waiting.length) publish(next);
    else waiting.push(next);
  };

  return {
    send: (kind, json) => {
      if (failure || finished) return;
      enqueue({ kind, json });
    },
    sendChunks: (json, count) => {
      if (failure || finished) return;
      enqueue({ kind: "chunks", json, count });
    },
    flush: () => {},
    finish: (kind, json) => {
      if (failure || finished) return Promise.resolve(false);
      finished = true;
      return new Promise<boolean>((done) => enqueue({ kind, json, done }));
    },
    pending,
    drain: () => {
      if (pending() <= lowWater || failure) return Promise.resolve();
      drainPromise ??= new Promise<void>((resolve) => {
        drainWaiter = resolve;
      });
      return drainPromise;
    },
    failed: () => failure,
  };
};
