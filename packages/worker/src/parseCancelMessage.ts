import { DEFAULT_TIMEOUT_MS } from "@taskbridge/core/protocol";

/** A parsed `taskbridge.cancel` message. */
export type CancelMessage = { readonly correlationId: string; readonly deadline: number };

const decoder = new TextDecoder();

/**
 * Reads a cancel message `{ correlationId, deadline }`; `undefined` for anything else. A missing
 * or unreadable deadline means "remember for the default timeout" (10 minutes from `now`).
 */
export const parseCancelMessage = (body: Uint8Array, now: number): CancelMessage | undefined => {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(body));
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const { correlationId, deadline } = value as Record<string, unknown>;
  if (typeof correlationId !== "string" || correlationId === "") return undefined;
  return {
    correlationId,
    deadline:
      typeof deadline === "number" && Number.isFinite(deadline)
        ? deadline
        : now + DEFAULT_TIMEOUT_MS,
  };
};
