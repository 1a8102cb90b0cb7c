import type { QueueSettings } from "./createMemoryQueue.js";
import { parseMaxAge } from "./parseMaxAge.js";
import type { QueueOptions } from "./types.js";

const num = (value: unknown): number | undefined =>
  typeof value === "number" && Number.isFinite(value) ? value : undefined;
/** A string argument, or undefined for anything else. */
export const str = (value: unknown): string | undefined =>
  typeof value === "string" ? value : undefined;

/** The queue arguments the memory broker acts on, read once at declaration. */
export const queueSettingsOf = (options: QueueOptions): QueueSettings => {
  const args = options.arguments ?? {};
  const quorum = args["x-queue-type"] === "quorum";
  const stream = args["x-queue-type"] === "stream";
  const overflow = args["x-overflow"];
  return {
    quorum,
    stream,
    maxAgeMs: stream ? parseMaxAge(args["x-max-age"]) : undefined,
    deliveryLimit: quorum ? num(args["x-delivery-limit"]) : undefined,
    messageTtl: num(args["x-message-ttl"]),
    expires: num(args["x-expires"]),
    maxLength: num(args["x-max-length"]),
    overflow:
      overflow === "reject-publish" || overflow === "reject-publish-dlx" ? overflow : "drop-head",
    autoDelete: options.autoDelete === true,
  };
};

const describe = (value: unknown): string => (value === undefined ? "none" : JSON.stringify(value));

/**
 * The first difference between two declarations of a queue, in words (`argument x-message-ttl is
 * 1000 there, 2000 requested`); undefined when RabbitMQ would accept the redeclaration.
 */
export const queueDifference = (
  existing: QueueOptions,
  requested: QueueOptions,
): string | undefined => {
  // like amqplib, a queue is durable unless `durable: false`
  const flags = (options: QueueOptions) => ({
    durable: options.durable !== false,
    exclusive: options.exclusive === true,
    autoDelete: options.autoDelete === true,
  });
  const was = flags(existing);
  const now = flags(requested);
  for (const flag of ["durable", "exclusive", "autoDelete"] as const) {
    if (was[flag] !== now[flag]) return `${flag} is ${was[flag]} there, ${now[flag]} requested`;
  }
  const a = existing.arguments ?? {};
  const b = requested.arguments ?? {};
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (a[key] !== b[key]) {
      return `argument ${key} is ${describe(a[key])} there, ${describe(b[key])} requested`;
    }
  }
  return undefined;
};
