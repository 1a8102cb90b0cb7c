import type { DeliveredMessage } from "@taskbridge/broker";
import { readAttempt } from "@taskbridge/broker";

/** What the worker needs to know of a request message before it runs it (docs/protocol.md §3). */
export type RequestMeta = {
  /** The request key `<principal>:<sessionId>:<id>`; `""` when the message has none. */
  readonly correlationId: string;
  /** The gateway's reply queue; `undefined` when the message cannot be answered. */
  readonly replyTo: string | undefined;
  /** `x-type`, or the queue's own type when the header is missing. */
  readonly type: string;
  /** The client's id: the last segment of the correlation id. */
  readonly id: string;
  readonly attempt: number;
  /** `x-deadline` in epoch ms; `Infinity` when the message carries none. */
  readonly deadline: number;
  readonly principal: string;
  /**
   * `x-accept`: what the gateway reads besides version 1 replies (docs/protocol.md §14.1),
   * `"chunks"` from a 1.1 gateway; `undefined` when the message carries none.
   */
  readonly accept: string | undefined;
};

const toNumber = (value: unknown): number | undefined => {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "string" && value.trim() !== "") {
    const parsed = Number(value);
    return Number.isFinite(parsed) ? parsed : undefined;
  }
  return undefined;
};

/** The client's request id: what follows the last `:` of `<principal>:<sessionId>:<id>`. */
export const requestIdOf = (correlationId: string): string =>
  correlationId.slice(correlationId.lastIndexOf(":") + 1);

/**
 * Reads the metadata of a request message; `queueType` is the type the queue was declared for,
 * used when the message lacks `x-type` (a producer other than the gateway).
 */
export const readRequestMeta = (message: DeliveredMessage, queueType: string): RequestMeta => {
  const { properties } = message;
  const headers = properties.headers;
  const correlationId = properties.correlationId ?? "";
  const type = headers?.["x-type"];
  const principal = headers?.["x-principal"];
  const accept = headers?.["x-accept"];
  return {
    correlationId,
    replyTo: properties.replyTo || undefined,
    type: typeof type === "string" && type !== "" ? type : queueType,
    id: requestIdOf(correlationId),
    attempt: readAttempt(message),
    deadline: toNumber(headers?.["x-deadline"]) ?? Number.POSITIVE_INFINITY,
    principal: typeof principal === "string" && principal !== "" ? principal : "anon",
    accept: typeof accept === "string" ? accept : undefined,
  };
};
