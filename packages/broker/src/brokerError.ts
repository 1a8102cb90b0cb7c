import { createError, type ErrorBody, type ErrorCode } from "@taskbridge/core/protocol";
import type { BrokerState } from "./types.js";

/** An `Error` that is also an error body (docs/protocol.md §7), so `toErrorBody` passes it through. */
export type BrokerError = Error & ErrorBody;

/**
 * Creates the errors the brokers reject with: a real `Error` (stack, `instanceof Error`) carrying
 * `code`, `details` and `retryable`, so callers can forward it with `toErrorBody` unchanged.
 * `details.reason` names the AMQP cause (`precondition_failed`, `not_found`, `disconnected`…).
 *
 * @example
 * throw createBrokerError("UNAVAILABLE", "not connected to RabbitMQ", { reason: "disconnected" }, true)
 */
export const createBrokerError = (
  code: ErrorCode,
  message: string,
  details?: Readonly<Record<string, unknown>>,
  retryable?: boolean,
): BrokerError =>
  Object.assign(new Error(message), createError(code, message, { details, retryable }));

/** True for errors of `createBrokerError` with the given AMQP reason, e.g. `precondition_failed`. */
export const isBrokerErrorReason = (error: unknown, reason: string): boolean =>
  error instanceof Error &&
  "details" in error &&
  typeof error.details === "object" &&
  error.details !== null &&
  (error.details as Record<string, unknown>).reason === reason;

/**
 * The error of an operation on a broker that is not connected: `UNAVAILABLE`, retryable while
 * the broker reconnects, final once it is closed. Both brokers refuse with it.
 */
export const unavailableError = (state: BrokerState, notConnected: string): BrokerError =>
  createBrokerError(
    "UNAVAILABLE",
    state === "closed" ? "the broker connection is closed" : notConnected,
    { reason: state === "closed" ? "closed" : "disconnected" },
    state !== "closed",
  );
