import type { IncomingHttpHeaders } from "node:http";
import { createError, type ErrorBody, isErrorBody, isSessionId } from "@taskbridge/core/protocol";
import type { SessionInfo } from "./createRequestTable.js";
import type { MaybePromise } from "./definePlugin.js";

/** What the `authenticate` hook sees of a Socket.IO handshake. */
export type Handshake = {
  /** `auth.token` as the client sent it (any JSON value, often a string). */
  readonly token: unknown;
  readonly sessionId: string;
  readonly headers: IncomingHttpHeaders;
  readonly address: string;
};

/** An accepted handshake: the user id (never empty) and any claims plugins may read. */
export type AuthResult = {
  readonly principal: string;
  readonly claims?: Readonly<Record<string, unknown>>;
};

/**
 * The authenticate hook: return `{ principal }` to accept; throw, or return an error body or
 * `false`, to refuse (the client gets `connect_error` with `data` = the error body, `UNAUTHORIZED`
 * unless you return another body).
 */
export type Authenticate = (
  handshake: Handshake,
) => MaybePromise<AuthResult | ErrorBody | false | null | undefined>;

const unauthorized = (): ErrorBody => createError("UNAUTHORIZED", "authentication failed");

/**
 * Checks a handshake per docs/protocol.md §2: `auth.sessionId` must match `[A-Za-z0-9_-]{16,64}`
 * (else `BAD_REQUEST`); then the `authenticate` hook, if any, names the principal (else `anon`).
 * Resolves to the session, or to the error body the client's `connect_error` carries.
 */
export const authenticateHandshake = async (
  auth: unknown,
  headers: IncomingHttpHeaders,
  address: string,
  authenticate: Authenticate | undefined,
): Promise<SessionInfo | ErrorBody> => {
  const record = typeof auth === "object" && auth !== null ? (auth as Record<string, unknown>) : {};
  const sessionId = Object.hasOwn(record, "sessionId") ? record.sessionId : undefined;
  if (!isSessionId(sessionId)) {
    return createError("BAD_REQUEST", "auth.sessionId must match [A-Za-z0-9_-]{16,64}");
  }
  if (authenticate === undefined) return { principal: "anon", sessionId, claims: {} };
  const token = Object.hasOwn(record, "token") ? record.token : undefined;
  let result: Awaited<ReturnType<Authenticate>>;
  try {
    result = await authenticate({ token, sessionId, headers, address });
  } catch {
    return unauthorized();
  }
  if (result === false || result === null || result === undefined) return unauthorized();
  if ("code" in result) return isErrorBody(result) ? result : unauthorized();
  if (typeof result.principal !== "string" || result.principal.length === 0) return unauthorized();
  return { principal: result.principal, sessionId, claims: result.claims ?? {} };
};
