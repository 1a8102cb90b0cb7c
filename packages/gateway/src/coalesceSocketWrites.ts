// The slice of engine.io 6's socket (and of the WebSocket under its `websocket` transport) this
// relies on. Anything missing (a future engine.io, another runtime) leaves writes as they were:
// never an error.
type EngineSocketLike = {
  flush?: () => void;
  readonly writeBuffer?: readonly unknown[];
  transport?: { readonly name?: string; readonly socket?: unknown };
};
type Corkable = { readonly cork: (write: () => void) => void };
type NetSocketLike = { readonly cork: () => void; readonly uncork: () => void };

/** Bun's `ws` keeps its native uWebSockets socket (which has `cork(callback)`) under a symbol. */
const nativeOf = (ws: object): Corkable | undefined => {
  for (const symbol of Object.getOwnPropertySymbols(ws)) {
    if (symbol.description !== "kNative") continue;
    const native = (ws as Record<symbol, unknown>)[symbol];
    if (typeof native === "object" && native !== null && "cork" in native) {
      return typeof native.cork === "function" ? (native as Corkable) : undefined;
    }
  }
  return undefined;
};

/** Node's `ws` writes to a `net.Socket`, which batches corked writes into one `writev`. */
const netSocketOf = (ws: object): NetSocketLike | undefined => {
  const socket = (ws as { _socket?: unknown })._socket;
  if (typeof socket !== "object" || socket === null) return undefined;
  const { cork, uncork } = socket as Partial<NetSocketLike>;
  return typeof cork === "function" && typeof uncork === "function"
    ? (socket as NetSocketLike)
    : undefined;
};

/** How to cork one WebSocket: Bun's native socket, Node's `net.Socket`, or not at all. */
type Cork = (write: () => void) => void;

const uncorked: Cork = (write) => write();

const corkOf = (ws: unknown): Cork => {
  if (typeof ws !== "object" || ws === null) return uncorked;
  const native = nativeOf(ws);
  if (native !== undefined) return (write) => native.cork(write);
  const net = netSocketOf(ws);
  if (net === undefined) return uncorked;
  return (write) => {
    net.cork();
    try {
      write();
    } finally {
      net.uncork();
    }
  };
};

/**
 * Makes one engine.io socket send everything Socket.IO gave it during one turn of the event loop
 * with one socket write: its `flush` (called by every `emit`) is deferred to `schedule`
 * (`setImmediate`: after the turn's I/O callbacks and their microtasks) and runs with the
 * WebSocket corked — Bun's native socket's `cork`, or the `net.Socket` under Node's `ws` — so the
 * frames leave in one system call instead of one each. Under load a turn carries many frames for a
 * socket (the `accepted` frames of one batch of publish confirms, the replies of one read from
 * RabbitMQ); every frame still is its own Socket.IO packet and WebSocket message, in the same
 * order (docs/protocol.md §2.4), only later by the rest of the turn. Returns false, changing
 * nothing, when `engineSocket` has no `flush`.
 *
 * @example
 * io.engine.on("connection", (engineSocket: unknown) => coalesceSocketWrites(engineSocket));
 */
export const coalesceSocketWrites = (
  engineSocket: unknown,
  schedule: (run: () => void) => unknown = setImmediate,
): boolean => {
  if (typeof engineSocket !== "object" || engineSocket === null) return false;
  const socket = engineSocket as EngineSocketLike;
  const flush = socket.flush;
  if (typeof flush !== "function") return false;
  let scheduled = false;
  // Looked up once per transport (a polling socket upgrades to websocket once).
  let corkedTransport: unknown;
  let cork: Cork = uncorked;
  const write = (): void => flush.call(socket);
  const flushNow = (): void => {
    scheduled = false;
    const transport = socket.transport;
    if (transport !== corkedTransport) {
      corkedTransport = transport;
      cork = transport?.name === "websocket" ? corkOf(transport.socket) : uncorked;
    }
    cork(write);
  };
  socket.flush = () => {
    // engine.io also calls flush when a write completed; with nothing queued there is nothing to do.
    if (scheduled || socket.writeBuffer?.length === 0) return;
    scheduled = true;
    schedule(flushNow);
  };
  return true;
};
