import type { Manager } from "socket.io-client";

type CookieJar = { readonly cookies: Iterable<readonly [string, { readonly value: string }]> };

/**
 * Makes a Node Socket.IO client keep its cookies across reconnects, as a browser does. With
 * `withCredentials: true` engine.io-client (6.6) reads `Set-Cookie` into a jar, but every new
 * engine — each reconnect — starts with an empty one, so a reconnect would lose HAProxy's
 * `SERVERID` cookie and land on any gateway. After each handshake this copies the engine's
 * cookies into the manager's `extraHeaders`, which the next engine sends from its first request
 * on; when HAProxy redispatches the client, the new cookie replaces the old one the same way.
 * Reads the engine's jar (`_cookieJar`), which engine.io-client does not document.
 *
 * @example
 * const socket = io(proxy.url, { withCredentials: true });
 * keepCookies(socket.io);
 */
export const keepCookies = (manager: Manager): void => {
  manager.on("open", () => {
    const jar = (manager.engine as unknown as { _cookieJar?: CookieJar })._cookieJar;
    if (jar === undefined) return;
    const cookie = [...jar.cookies].map(([name, { value }]) => `${name}=${value}`).join("; ");
    if (cookie === "") return;
    // A new object each time: the WebSocket transport pushes into the `cookie` it is given.
    const { cookie: _previous, ...others } = manager.opts.extraHeaders ?? {};
    manager.opts.extraHeaders = { ...others, cookie };
  });
};
