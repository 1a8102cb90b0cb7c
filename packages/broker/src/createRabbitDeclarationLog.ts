import type { Logger } from "@taskbridge/core/protocol";
import type { Channel } from "amqplib";
import type { RabbitDeclarationChannel } from "./createRabbitDeclarationChannel.js";

type Declaration = (channel: Channel) => Promise<unknown>;

/** The declarations a RabbitMQ broker replays on every new connection; see `createRabbitDeclarationLog`. */
export type RabbitDeclarationLog = {
  /** Records (or replaces) the declaration under `key` (`exchange <name>`, `queue <name>`, `bind <queue> <exchange> <pattern>`). */
  readonly record: (key: string, declaration: Declaration) => void;
  /** Stops replaying what mentions `name`: the queue or exchange and the bindings naming it. */
  readonly forget: (kind: "queue" | "exchange", name: string) => void;
  /** Runs every recorded declaration in order; a failure is logged while `isCurrent()` and skipped. */
  readonly replay: (
    declarer: RabbitDeclarationChannel,
    isCurrent: () => boolean,
    logger: Logger,
  ) => Promise<void>;
};

/**
 * Remembers every exchange, queue and binding declared successfully, in declaration order, so a
 * reconnected broker declares them again before consuming (a queue exists before its binding,
 * an exchange before a binding to it). Deleting a queue or exchange forgets it and its bindings.
 *
 * @example
 * const log = createRabbitDeclarationLog();
 * log.record("queue jobs", (channel) => channel.assertQueue("jobs"));
 * await log.replay(session.declarer, () => true, logger);
 */
export const createRabbitDeclarationLog = (): RabbitDeclarationLog => {
  const recorded = new Map<string, Declaration>();
  return {
    record: (key, declaration) => {
      recorded.set(key, declaration);
    },
    // a binding key is `bind <queue> <exchange> <pattern>`: the queue at position 1, exchange at 2
    forget: (kind, name) => {
      recorded.delete(`${kind} ${name}`);
      const position = kind === "queue" ? 1 : 2;
      for (const key of [...recorded.keys()]) {
        if (key.startsWith("bind ") && key.split(" ")[position] === name) recorded.delete(key);
      }
    },
    replay: async (declarer, isCurrent, logger) => {
      for (const [key, declaration] of recorded) {
        await declarer.run(declaration).catch((error: unknown) => {
          if (isCurrent()) logger.error(`could not restore ${key} after connecting`, { error });
        });
      }
    },
  };
};
