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
  if (options.headers !== undefined) result.headers = { ...options.headers };
  if (options.persistent !== undefined) result.persistent = options.persistent;
  return result;
};

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
