import { type ErrorBody, isErrorCode, type Logger } from "@taskbridge/core/protocol";
import type { RequestMeta } from "./readRequestMeta.js";

/** A thrown error body with a code of docs/protocol.md §7: the handler's chosen answer, not a crash. */
const isDeliberate = (thrown: unknown): boolean =>
  typeof thrown === "object" &&
  thrown !== null &&
  isErrorCode((thrown as { code?: unknown }).code) &&
  typeof (thrown as { message?: unknown }).message === "string";

const stackOf = (thrown: unknown): string =>
  thrown instanceof Error ? (thrown.stack ?? thrown.message) : String(thrown);

/**
 * Logs how a handler's run failed, as the Python SDK's `execute` does: `throw createError(…)` is
 * an answer the handler chose, worth an `info` line with its code but no stack; anything else
 * thrown is a failure, logged at `error` with its stack (which never reaches the client).
 *
 * @example
 * if (outcome.kind === "error") logHandlerError(logger, meta, outcome.thrown, outcome.error);
 */
export const logHandlerError = (
  logger: Logger,
  meta: Pick<RequestMeta, "type" | "id">,
  thrown: unknown,
  error: ErrorBody,
): void => {
  if (isDeliberate(thrown)) {
    logger.info("a handler answered with an error", {
      type: meta.type,
      id: meta.id,
      code: error.code,
      message: error.message,
    });
  } else {
    logger.error("a handler failed", { type: meta.type, id: meta.id, stack: stackOf(thrown) });
  }
};
