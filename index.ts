// `taskbridge`: the protocol and the transport layer, with no React and no server.
export * from "./protocol/index.js";
export * from "./transport/index.js";
