import { io as defaultIo, type Socket } from "socket.io-client";
import { HANDSHAKE_PROTOCOL } from "../protocol/limits.js";
import type { SocketIoFactory, SocketIoTransportOptions } from "./socketIoTransportOptions.js";

/** socket.io-client's own factory. */
export const defaultSocketIoFactory: SocketIoFactory = (url, options) =>
  url === undefined ? defaultIo(options) : defaultIo(url, options);

/**
 * Makes (or adopts) the socket and points its handshake at `{ sessionId, token, protocol: "1.1" }`
 * (docs/protocol.md §14.1: a 1.1 gateway may then batch chunks; a v1 gateway ignores it). `auth` is a
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
  const base = { sessionId, protocol: HANDSHAKE_PROTOCOL };
  socket.auth = (callback: (data: object) => void) => {
    if (typeof token !== "function") {
      callback(token === undefined ? base : { ...base, token });
      return;
    }
    Promise.resolve()
      .then(token)
      .then(
        (value) => callback(value === undefined ? base : { ...base, token: value }),
        () => callback(base),
      );
  };
  return socket;
};
