import type { ChannelModel } from "amqplib";
import type { RabbitDeclarationChannel } from "./createRabbitDeclarationChannel.js";
import { createRabbitPublisher } from "./createRabbitPublisher.js";

/** The confirm-channel publisher of a session (see `createRabbitPublisher`). */
export type RabbitSessionPublisher = ReturnType<typeof createRabbitPublisher>;

/** One live connection to RabbitMQ with its publish channel and its declaration channel. */
export type RabbitSession = {
  readonly connection: ChannelModel;
  publisher: Promise<RabbitSessionPublisher> | undefined;
  readonly declarer: RabbitDeclarationChannel;
};

const noop = (): void => {};

/**
 * Opens the session's confirm channel for publishes and sets `s.publisher` to it at once (a
 * promise, so `publish` can wait for a channel still opening). When the channel closes while
 * `isLive(s)` still holds (e.g. RabbitMQ closed it after a publish to a missing exchange), a new
 * one is opened in its place, so one bad publish does not stop all the others.
 *
 * @example
 * openSessionPublisher(session, (s) => current === s && state !== "closed");
 * await session.publisher;
 */
export const openSessionPublisher = (
  s: RabbitSession,
  isLive: (s: RabbitSession) => boolean,
): void => {
  const ready = s.connection.createConfirmChannel().then((channel) => {
    channel.on("close", () => {
      if (s.publisher === ready && isLive(s)) openSessionPublisher(s, isLive);
    });
    return createRabbitPublisher(channel);
  });
  ready.catch(noop);
  s.publisher = ready;
};
