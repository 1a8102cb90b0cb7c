import { io as defaultIo, type Socket } from "socket.io-client";
import type { SocketIoFactory, SocketIoTransportOptions } from "./socketIoTransportOptions.js";

/** socket.io-client's own factory. */
export const defaultSocketIoFactory: SocketIoFactory = (url, options) =>
  url === undefined ? defaultIo(options) : defaultIo(url, options);

/**
 * Makes (or adopts) the socket and points its handshake at `{ sessionId, token }`. `auth` is a
 * function so that a token function is asked again on every reconnect (a refreshed credential
 * is picked up without a new transport). The transport owns the connection, hence
 * `autoConnect: false` (it connects once its listeners are in place) and `forceNew: true`
 * (socket.io-client would otherwise hand two transports to one URL the very same socket).
 */
export const openSocket = (options: SocketIoTransportOptions, sessionId: string): Socket => {
  const socket =
    options.socket ??
    (options.io ?? defaultSocketIoFactory)(options.url, {
      path: options.path ?? "/socket.io",
      ...options.socketOptions,
      autoConnect: false,
      forceNew: true,
    });
  const { token } = options;
  socket.auth = (callback: (data: object) => void) => {
    if (typeof token !== "function") {
      callback(token === undefined ? { sessionId } : { sessionId, token });
      return;
    }
    Promise.resolve()
      .then(token)
      .then(
        (value) => callback(value === undefined ? { sessionId } : { sessionId, token: value }),
        () => callback({ sessionId }),
      );
  };
  return socket;
};
