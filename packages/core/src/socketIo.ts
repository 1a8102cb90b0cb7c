// `@taskbridge/core/socket-io`: the transport that talks to a taskbridge gateway over Socket.IO.
// Its own entry point, so only apps that use it bundle socket.io-client.
export {
  createSocketIoTransport,
  type SocketIoTransport,
} from "./transport/createSocketIoTransport.js";
export {
  DEFAULT_CLOSE_TIMEOUT_MS,
  DEFAULT_TIMEOUT_GRACE_MS,
  defaultTransportLogger,
  type SocketIoFactory,
  type SocketIoTransportOptions,
  type TokenSource,
} from "./transport/socketIoTransportOptions.js";
