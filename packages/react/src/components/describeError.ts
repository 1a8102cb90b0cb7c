import type { ErrorBody } from "@taskbridge/core/protocol";

/**
 * The words for how a request ended in error, shared by the components so that a button, a
 * panel and an app's own text agree: "Cancelled" for `CANCELLED` (the user asked for it, no
 * blame), otherwise "Failed: " and the error's message (written for people, never a stack).
 *
 * @example
 * describeError({ code: "WORKER_ERROR", message: "disk full" }) // "Failed: disk full"
 */
export const describeError = (error: ErrorBody | undefined): string =>
  error?.code === "CANCELLED" ? "Cancelled" : `Failed: ${error?.message ?? "unknown error"}`;
