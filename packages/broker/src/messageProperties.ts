import type { MessageProperties, PublishOptions } from "./types.js";

const KEYS = [
  "contentType",
  "correlationId",
  "replyTo",
  "messageId",
  "expiration",
  "headers",
  "persistent",
] as const;

/**
 * The message properties of a publish, without `mandatory` and without keys left undefined, so
 * a consumer sees exactly what RabbitMQ would hand it.
 */
export const toMessageProperties = (options: PublishOptions | undefined): MessageProperties => {
  if (options === undefined) return {};
  const properties: Record<string, unknown> = {};
  for (const key of KEYS) {
    const value = options[key];
    if (value !== undefined) properties[key] = value;
  }
  return properties as MessageProperties;
};

const encoder = new TextEncoder();

/** A publish body as bytes: strings are UTF-8 encoded. */
export const toBytes = (body: Uint8Array | string): Uint8Array =>
  typeof body === "string" ? encoder.encode(body) : body;
