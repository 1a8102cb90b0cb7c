import type { Logger } from "@taskbridge/core/protocol";
import type { Channel, ChannelModel } from "amqplib";

const noop = (): void => {};

/** Runs declarations on a connection's declaration channel; see `createRabbitDeclarationChannel`. */
export type RabbitDeclarationChannel = {
  readonly run: <T>(operation: (channel: Channel) => Promise<T>) => Promise<T>;
  /** Closes the channel (awaiting close-ok) if one is open. */
  readonly close: () => Promise<void>;
};

/**
 * Serialises declarations on one channel of `connection`. A refused declaration (406
 * PRECONDITION_FAILED, 404 NOT_FOUND…) closes its channel — never the connection — so the next
 * declaration opens a fresh channel; running them one at a time keeps one refusal from failing
 * the declarations queued behind it on the same channel.
 */
export const createRabbitDeclarationChannel = (
  connection: ChannelModel,
  logger: Logger,
): RabbitDeclarationChannel => {
  let channel: Channel | undefined;
  let chain: Promise<void> = Promise.resolve();

  const run = <T>(operation: (channel: Channel) => Promise<T>): Promise<T> => {
    const attempt = async (): Promise<T> => {
      if (channel === undefined) {
        const opened = await connection.createChannel();
        opened.on("error", (error: Error) =>
          logger.warn("a declaration was refused", { error: error.message }),
        );
        channel = opened;
      }
      const current = channel;
      try {
        return await operation(current);
      } catch (error) {
        if (channel === current) channel = undefined;
        throw error;
      }
    };
    const result = chain.then(attempt, attempt);
    chain = result.then(noop, noop);
    return result;
  };

  return {
    run,
    close: async () => {
      const current = channel;
      channel = undefined;
      await current?.close().catch(noop);
    },
  };
};
