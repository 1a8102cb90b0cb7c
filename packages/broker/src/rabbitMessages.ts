import type { ConsumeMessage, Options } from "amqplib";
import type { MessageProperties, PublishOptions } from "./types.js";

/** amqplib's publish options for a taskbridge publish (undefined fields left out). */
export const toAmqpPublishOptions = (options: PublishOptions | undefined): Options.Publish => {
  if (options === undefined) return {};
  const result: Options.Publish = {};
  if (options.mandatory !== undefined) result.mandatory = options.mandatory;
  if (options.contentType !== undefined) result.contentType = options.contentType;
  if (options.correlationId !== undefined) result.correlationId = options.correlationId;
  if (options.replyTo !== undefined) result.replyTo = options.replyTo;
  if (options.messageId !== undefined) result.messageId = options.messageId;
  if (options.expiration !== undefined) result.expiration = options.expiration;
  // amqplib reads the headers as the prototype of its own table: it never changes ours.
  if (options.headers !== undefined) result.headers = options.headers;
  if (options.persistent !== undefined) result.persistent = options.persistent;
  return result;
};

/**
 * The method fields and properties of a `basic.publish` in one object, as amqplib's encoder reads
 * them (what its `Args.publish` builds from publish options, minus the `Object.create` copy of
 * the headers, whose prototype chain its encoder then walks key by key, and minus `CC`/`BCC`).
 */
export const toPublishFields = (
  exchange: string,
  routingKey: string,
  options: PublishOptions | undefined,
): Record<string, unknown> => ({
  exchange,
  routingKey,
  mandatory: options?.mandatory === true,
  immediate: false,
  ticket: undefined,
  contentType: options?.contentType,
  headers: options?.headers ?? {},
  deliveryMode: options?.persistent === undefined ? undefined : options.persistent ? 2 : 1,
  correlationId: options?.correlationId,
  replyTo: options?.replyTo,
  expiration: options?.expiration,
  messageId: options?.messageId,
});

/** The taskbridge view of an amqplib message's properties (undefined fields left out). */
export const fromAmqpProperties = (
  message: Pick<ConsumeMessage, "properties">,
): MessageProperties => {
  const p = message.properties;
  const result: Record<string, unknown> = {};
  if (p.contentType !== undefined) result.contentType = p.contentType;
  if (p.correlationId !== undefined) result.correlationId = p.correlationId;
  if (p.replyTo !== undefined) result.replyTo = p.replyTo;
  if (p.messageId !== undefined) result.messageId = p.messageId;
  if (p.expiration !== undefined) result.expiration = String(p.expiration);
  if (p.headers !== undefined) result.headers = p.headers;
  if (p.deliveryMode !== undefined) result.persistent = p.deliveryMode === 2;
  return result as MessageProperties;
};

/** A publish body as a Buffer, without copying a Uint8Array. */
export const toBuffer = (body: Uint8Array | string): Buffer =>
  typeof body === "string"
    ? Buffer.from(body, "utf8")
    : Buffer.isBuffer(body)
      ? body
      : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
