/** Host values that bind every interface (an unset HOST does too). */
const ALL_INTERFACES = new Set(["0.0.0.0", "::", "[::]"]);

/**
 * The ready line of `npm run gateway`, naming the address it is bound to: the HOST it was given,
 * or — HOST unset, which binds every interface — `0.0.0.0`, with the URL to open on this machine.
 *
 * @example
 * listeningLine(undefined, 8080)
 * // "gateway listening on http://0.0.0.0:8080 (all interfaces; on this machine http://localhost:8080)"
 * listeningLine("127.0.0.1", 8080) // "gateway listening on http://127.0.0.1:8080"
 */
export const listeningLine = (host: string | undefined, port: number): string => {
  if (host === undefined || ALL_INTERFACES.has(host)) {
    const any = host === "::" || host === "[::]" ? "[::]" : "0.0.0.0";
    return `gateway listening on http://${any}:${port} (all interfaces; on this machine http://localhost:${port})`;
  }
  // An IPv6 literal goes in brackets in a URL.
  const shown = host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
  return `gateway listening on http://${shown}:${port}`;
};
