import { HANDSHAKE_PROTOCOL } from "@taskbridge/core/protocol";

/** The protocol a gateway speaks to one socket (docs/protocol.md §14.1): version 1, or 1.1. */
export type SocketProtocol = "1" | "1.1";

/**
 * The protocol granted to a handshake: 1.1 when its `auth.protocol` is `"1.1"`, version 1 for
 * anything else (absent, unknown, a later version), never an error. `createSocketServer` stores
 * it as the socket's `data.protocol`, read back with `speaksV11`.
 *
 * @example
 * negotiateProtocol({ sessionId, protocol: "1.1" }) // "1.1"
 * negotiateProtocol({ sessionId, protocol: "9" })   // "1"
 */
export const negotiateProtocol = (auth: unknown): SocketProtocol => {
  if (typeof auth !== "object" || auth === null || !Object.hasOwn(auth, "protocol")) return "1";
  return (auth as { readonly protocol?: unknown }).protocol === HANDSHAKE_PROTOCOL ? "1.1" : "1";
};

/**
 * True when `socket` negotiated protocol 1.1 in its handshake: the one check before sending it
 * anything version 1 lacks (`chunks` batches, §14.2; `accepted`'s `gateway` and `at`, §14.3).
 * Sockets without `data.protocol` (test fakes) speak version 1.
 */
export const speaksV11 = (socket: {
  readonly data?: { readonly protocol?: SocketProtocol };
}): boolean => socket.data?.protocol === "1.1";
