import { randomUUID } from "node:crypto";
import type { Broker, Consumer, DeliveredMessage, StreamOffset } from "@taskbridge/broker";
import { replyQueueName } from "@taskbridge/broker";
import type { Logger } from "@taskbridge/core/protocol";

/** How far before a request's `at` its owner's stream is read: clock skew between gateways and RabbitMQ. */
export const ADOPTION_LOOKBACK_MS = 5000;

/** What a follower of one request key is told. */
export type StreamFollower = {
  /** The stream is being read (it exists and is a stream). */
  readonly onReading: () => void;
  /** One message of the followed key, in stream order. */
  readonly onMessage: (message: DeliveredMessage) => void;
  /** Everything written to the stream before the follow began has been read. */
  readonly onCaughtUp: () => void;
  /** The stream cannot be read: it does not exist, or it is not a stream. */
  readonly onMissing: () => void;
};

export type StreamFollowersOptions = {
  readonly broker: Broker;
  readonly logger: Logger;
  /** Unacked messages per reader (streams need a prefetch). */
  readonly prefetch: number;
};

/** What `createStreamFollowers` returns. */
export type StreamFollowers = {
  /** Follows `key` in `gateway`'s reply stream from `at − ADOPTION_LOOKBACK_MS`. */
  readonly follow: (gateway: string, key: string, at: number, follower: StreamFollower) => void;
  /** Stops following `key`; a reader nobody follows any more is closed. */
  readonly unfollow: (key: string) => void;
  /** Closes every reader. */
  readonly close: () => Promise<void>;
};

type Reader = {
  readonly gateway: string;
  /** The epoch ms it reads from; a reader opened at an offset is nobody else's (Infinity). */
  readonly startAt: number;
  readonly followers: Map<string, StreamFollower>;
  /**
   * The first offset of every key it has passed: a later follower of one of them needs its own
   * reader, from there when this reader started at or before that follower's `startAt`.
   */
  readonly seen: Map<string, number>;
  /** Probes it waits for, by `x-probe`. */
  readonly probes: Map<string, () => void>;
  /** Resolves with the consumer once reading, or undefined when the stream cannot be read. */
  ready: Promise<Consumer | undefined>;
  closed: boolean;
};

/**
 * The readers of other gateways' reply streams that adopted requests take their replies from
 * (docs/protocol.md §14.3). One reader per stream serves every key adopted from it, started at
 * the earliest `at − 5 s` asked for; a key whose `at` is earlier than a running reader's start,
 * or one that reader has already passed, gets a reader of its own (from the key's first offset
 * when a reader that started before the key's `at − 5 s` saw it, else from that timestamp). Each follow publishes a probe (`x-kind: probe`, no correlation id, ignored by
 * everyone else) to the stream once reading: when the reader reaches it, everything written
 * before the follow has been read (`onCaughtUp`). A reader closes when nobody follows it.
 *
 * @example
 * followers.follow("gw-a", key, at, { onReading, onMessage, onCaughtUp, onMissing });
 * followers.unfollow(key); // the request ended
 */
export const createStreamFollowers = (options: StreamFollowersOptions): StreamFollowers => {
  const { broker, logger } = options;
  const readers = new Map<string, Reader[]>();
  const byKey = new Map<string, Reader>();

  const remove = (reader: Reader): void => {
    reader.closed = true;
    const list = readers.get(reader.gateway) ?? [];
    const index = list.indexOf(reader);
    if (index >= 0) list.splice(index, 1);
    if (list.length === 0) readers.delete(reader.gateway);
    void reader.ready.then((consumer) => consumer?.close());
  };

  const onMessage = (reader: Reader, message: DeliveredMessage): void => {
    message.ack();
    const headers = message.properties.headers ?? {};
    if (headers["x-kind"] === "probe") {
      const probe = reader.probes.get(String(headers["x-probe"]));
      if (probe === undefined) return;
      reader.probes.delete(String(headers["x-probe"]));
      probe();
      return;
    }
    const key = message.properties.correlationId;
    if (key === undefined) return;
    if (!reader.seen.has(key) && message.streamOffset !== undefined) {
      reader.seen.set(key, message.streamOffset);
    }
    reader.followers.get(key)?.onMessage(message);
  };

  const open = (gateway: string, from: StreamOffset, startAt: number): Reader => {
    const reader: Reader = {
      gateway,
      startAt,
      followers: new Map(),
      seen: new Map(),
      probes: new Map(),
      ready: Promise.resolve(undefined),
      closed: false,
    };
    reader.ready = broker
      .consume(replyQueueName(gateway), (message) => onMessage(reader, message), {
        prefetch: options.prefetch,
        streamOffset: from,
      })
      .then(
        (consumer) => consumer,
        (error: unknown) => {
          logger.debug("cannot read a reply stream", { gateway, error: String(error) });
          remove(reader);
          return undefined;
        },
      );
    readers.set(gateway, [...(readers.get(gateway) ?? []), reader]);
    return reader;
  };

  const probe = (reader: Reader, key: string, follower: StreamFollower): void => {
    const id = randomUUID();
    reader.probes.set(id, () => {
      if (reader.followers.get(key) === follower) follower.onCaughtUp();
    });
    broker
      .publish("", replyQueueName(reader.gateway), "", {
        mandatory: true,
        headers: { "x-kind": "probe", "x-probe": id },
      })
      .then(
        (outcome) => {
          if (outcome === "routed") return;
          reader.probes.delete(id);
          if (reader.followers.get(key) === follower) follower.onMissing();
        },
        (error: unknown) => {
          // The request's own timer ends it if the reader can never tell.
          logger.warn("a reply stream probe failed", { error: String(error) });
        },
      );
  };

  const unfollow = (key: string): void => {
    const reader = byKey.get(key);
    if (reader === undefined) return;
    byKey.delete(key);
    reader.followers.delete(key);
    if (reader.followers.size === 0 && !reader.closed) remove(reader);
  };

  const follow = (gateway: string, key: string, at: number, follower: StreamFollower): void => {
    unfollow(key);
    const startAt = at - ADOPTION_LOOKBACK_MS;
    // Only a reader that started before the key's first message knows where the key begins: one
    // that started later (or at another key's offset) passed only its tail (issue 16).
    const covering = (readers.get(gateway) ?? []).filter((r) => r.startAt <= startAt);
    let reader = covering.find((r) => !r.seen.has(key));
    if (reader === undefined) {
      const passed = covering.find((r) => r.seen.has(key))?.seen.get(key);
      reader =
        passed === undefined
          ? open(gateway, { timestamp: startAt }, startAt)
          : open(gateway, passed, Number.POSITIVE_INFINITY);
    }
    const chosen = reader;
    chosen.followers.set(key, follower);
    byKey.set(key, chosen);
    void chosen.ready.then((consumer) => {
      if (chosen.followers.get(key) !== follower) return;
      if (consumer === undefined) {
        unfollow(key);
        follower.onMissing();
        return;
      }
      follower.onReading();
      probe(chosen, key, follower);
    });
  };

  return {
    follow,
    unfollow,
    close: async () => {
      const all = [...readers.values()].flat();
      readers.clear();
      byKey.clear();
      for (const reader of all) reader.closed = true;
      await Promise.all(all.map((reader) => reader.ready.then((consumer) => consumer?.close())));
    },
  };
};
