import { toSocketIo } from "@mswjs/socket.io-binding";
import { createMemoryTransport, type MemoryTransportOptions } from "@taskbridge/core";
import {
  createError,
  type ErrorBody,
  EVENTS,
  type Handlers,
  parseCancelEvent,
  parseRequestEvent,
  parseResumeEvent,
} from "@taskbridge/core/protocol";
import { referenceHandlers } from "@taskbridge/core/reference";
import { ws } from "msw";

/** The origin the mocked gateway answers on; nothing listens there, msw intercepts it. */
export const MOCK_GATEWAY_URL = "http://gateway.taskbridge.test";

/** The WebSocket URL pattern of a gateway origin: msw's link must be `ws://host/*`. */
const linkFor = (url: string): string => `${url.replace(/^http/, "ws").replace(/\/$/, "")}/*`;

// engine.io's server ping, so a client left open longer than its ping timeout stays connected.
const PING_INTERVAL_MS = 20_000;

export type MockGatewayOptions = Partial<MemoryTransportOptions> & {
  /** The gateway's origin. Default `MOCK_GATEWAY_URL`. */
  readonly url?: string;
  /** The services behind the gateway. Default: the reference services. */
  readonly handlers?: Handlers;
};

/**
 * An msw WebSocket handler that stands in for a taskbridge gateway, speaking docs/protocol.md §2
 * over Socket.IO through `@mswjs/socket.io-binding`: `request` → `reply` frames (`accepted`,
 * chunks, progress, `restart`, one terminal frame), `cancel` → `CANCELLED`, a malformed body →
 * `protocol_error`, `resume` → `NOT_FOUND` (the mock keeps nothing across connections). Behind
 * it, each connection runs the handlers in a memory transport, so latency, failures and crashes
 * (its options) reach the browser as real frames. The real `createSocketIoTransport` runs
 * against it in the page, with no server.
 *
 * @example
 * export const Echo = { parameters: { msw: { handlers: [mockGateway()] } } };
 */
export const mockGateway = (options: MockGatewayOptions = {}) => {
  const { url = MOCK_GATEWAY_URL, handlers = referenceHandlers, ...memory } = options;
  return ws.link(linkFor(url)).addEventListener("connection", (connection) => {
    const io = toSocketIo(connection);
    const backend = createMemoryTransport({ ...memory, handlers });
    const ping = setInterval(() => connection.client.send("2"), PING_INTERVAL_MS);
    connection.client.addEventListener("close", () => {
      clearInterval(ping);
      void backend.close();
    });
    const reply = (frame: unknown) => io.client.emit(EVENTS.reply, frame);
    const protocolError = (error: ErrorBody) => io.client.emit(EVENTS.protocolError, error);

    io.client.on(EVENTS.request, (_event, body) => {
      const parsed = parseRequestEvent(body);
      if (parsed.kind === "protocolError") protocolError(parsed.error);
      else if (parsed.kind === "reject") {
        reply({ id: parsed.id, seq: 0, kind: "error", error: parsed.error });
      } else {
        const { id, type, payload, timeoutMs } = parsed.value;
        backend.send({ id, type, payload, ...(timeoutMs == null ? {} : { timeoutMs }) }, reply);
      }
    });
    io.client.on(EVENTS.cancel, (_event, body) => {
      const parsed = parseCancelEvent(body);
      if (parsed.kind === "ok") backend.cancel(parsed.value.id);
    });
    io.client.on(EVENTS.resume, (_event, body) => {
      const parsed = parseResumeEvent(body);
      if (parsed.kind !== "ok") {
        protocolError(parsed.error);
        return;
      }
      const { id, after } = parsed.value;
      reply({
        id,
        seq: after + 1,
        kind: "error",
        error: createError("NOT_FOUND", `request ${id} is not known to this gateway`),
      });
    });
  });
};

/**
 * An msw WebSocket handler for a gateway that refuses every handshake with `error` (docs/protocol.md
 * §1: a `connect_error` whose `data` is the error body), written at the engine.io/Socket.IO
 * packet level because the binding always accepts the handshake.
 */
export const refusingGateway = (error: ErrorBody, url: string = MOCK_GATEWAY_URL) =>
  ws.link(linkFor(url)).addEventListener("connection", ({ client }) => {
    client.send(
      `0${JSON.stringify({ sid: "refused", upgrades: [], pingInterval: 25_000, pingTimeout: 20_000, maxPayload: 1_000_000 })}`,
    );
    client.addEventListener("message", (event) => {
      if (typeof event.data === "string" && event.data.startsWith("40")) {
        client.send(`44${JSON.stringify({ message: error.message, data: error })}`);
      }
    });
  });
