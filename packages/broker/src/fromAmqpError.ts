import { type BrokerError, createBrokerError } from "./brokerError.js";

const codeOf = (error: unknown): number | undefined =>
  typeof error === "object" && error !== null && "code" in error && typeof error.code === "number"
    ? error.code
    : undefined;

const textOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Turns an amqplib failure of an operation on `subject` (e.g. `queue "demo.echo"`) into a broker
 * error: 406 PRECONDITION_FAILED says the existing declaration differs, 404 NOT_FOUND and 405
 * RESOURCE_LOCKED / 403 ACCESS_REFUSED keep their meaning, anything else is a lost connection
 * (`UNAVAILABLE`, retryable).
 */
export const fromAmqpError = (
  error: unknown,
  subject: string,
  details: Readonly<Record<string, unknown>>,
): BrokerError => {
  const server = textOf(error);
  switch (codeOf(error)) {
    case 406:
      return createBrokerError(
        "INTERNAL",
        `${subject} already exists with different arguments (its existing arguments differ from the requested ones): ${server}`,
        { ...details, reason: "precondition_failed" },
      );
    case 404:
      return createBrokerError("NOT_FOUND", `${subject}: not found (${server})`, {
        ...details,
        reason: "not_found",
      });
    case 403:
    case 405:
      return createBrokerError("FORBIDDEN", `${subject}: refused (${server})`, {
        ...details,
        reason: codeOf(error) === 405 ? "resource_locked" : "access_refused",
      });
    default:
      return createBrokerError(
        "UNAVAILABLE",
        `${subject}: ${server}`,
        { ...details, reason: "disconnected" },
        true,
      );
  }
};
