/** Which browser origins may open a socket: a list (`"*"` allows all) or a predicate. */
export type AllowedOrigins = readonly string[] | ((origin: string) => boolean);

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

const hostOf = (origin: string): { host: string; hostname: string } | undefined => {
  try {
    const url = new URL(origin);
    return { host: url.host, hostname: url.hostname };
  } catch {
    return undefined;
  }
};

/**
 * Builds the origin test the gateway runs in Socket.IO's `allowRequest`, before any handshake:
 * the `cors` option alone only governs what browsers may read, it does not stop a hostile page
 * from opening a WebSocket with the user's cookies (cross-site WebSocket hijacking).
 *
 * - No `Origin` header: allowed (not a browser; such clients cannot ride a user's cookies).
 * - Default (`allowed` undefined): same origin as the `Host` header, or a localhost origin.
 * - A list: exact origins such as `https://app.example.com`; `"*"` allows every origin.
 * - A predicate: called with the origin string.
 *
 * @example
 * const check = createOriginCheck(["https://app.example.com"]);
 * check("https://evil.example", "gateway.example.com"); // false
 */
export const createOriginCheck = (
  allowed?: AllowedOrigins,
): ((origin: string | undefined, host: string | undefined) => boolean) => {
  if (typeof allowed === "function") {
    return (origin) => origin === undefined || allowed(origin);
  }
  if (allowed !== undefined) {
    const set = new Set(allowed);
    const any = set.has("*");
    return (origin) => origin === undefined || any || set.has(origin);
  }
  return (origin, host) => {
    if (origin === undefined) return true;
    const parsed = hostOf(origin);
    if (parsed === undefined) return false;
    return LOCAL_HOSTS.has(parsed.hostname) || (host !== undefined && parsed.host === host);
  };
};
