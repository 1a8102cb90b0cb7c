import { createMemoryBroker, createMemoryServer } from "@taskbridge/broker";
import type { ConnectionState, Transport } from "@taskbridge/core";
import { createRequestId, type ReplyFrame } from "@taskbridge/core/protocol";
import { referenceHandlers } from "@taskbridge/core/reference";
import type { SocketIoTransportOptions } from "@taskbridge/core/socket-io";
import { createSocketIoTransport } from "@taskbridge/core/socket-io";
import { createGateway, type GatewayOptions, silentLogger } from "@taskbridge/gateway";
import { registerHandlers } from "@taskbridge/worker";
import { describeTransportContract } from "./contracts/transportContract.js";

const startStack = async (
  options: {
    readonly authenticate?: GatewayOptions["authenticate"];
    readonly transport?: SocketIoTransportOptions;
  } = {},
) => {
  const server = createMemoryServer({ logger: silentLogger });
  const gatewayBroker = createMemoryBroker({ server, logger: silentLogger });
  const workerBroker = createMemoryBroker({ server, logger: silentLogger });
  const worker = await registerHandlers({
    broker: workerBroker,
    handlers: referenceHandlers,
    graceMs: 1000,
    logger: silentLogger,
  });
  const gateway = await createGateway({
    broker: gatewayBroker,
    port: 0,
    host: "127.0.0.1",
    logger: silentLogger,
    ...(options.authenticate === undefined ? {} : { authenticate: options.authenticate }),
  });
  const transport = createSocketIoTransport({
    url: `http://127.0.0.1:${gateway.port}`,
    socketOptions: { transports: ["websocket"], reconnectionDelay: 50, randomizationFactor: 0 },
    ...options.transport,
  });
  return {
    gateway,
    transport,
    teardown: async () => {
      await transport.close();
      await gateway.close();
      await worker.close();
      await gatewayBroker.close();
      await workerBroker.close();
      // Its queues' TTL and x-expires timers go with it.
      server.close();
    },
  };
};

/**
 * The transport contract over the live path in one process: createSocketIoTransport → a real
 * gateway on an ephemeral port → the in-memory broker → the TypeScript worker SDK serving the
 * reference services of docs/protocol.md §8.
 */
describeTransportContract("Socket.IO transport → gateway → memory broker → TS worker", startStack);

const runToEnd = (transport: Transport, type: string, payload: unknown) =>
  new Promise<ReplyFrame[]>((resolve) => {
    const frames: ReplyFrame[] = [];
    transport.send({ id: createRequestId(), type, payload }, (frame) => {
      frames.push(frame);
      if (frame.kind === "result" || frame.kind === "error") resolve(frames);
    });
  });

describe("Socket.IO transport over the real gateway: reconnect and resume", () => {
  let stack: Awaited<ReturnType<typeof startStack>> | undefined;
  afterEach(async () => {
    await stack?.teardown();
    stack = undefined;
  });

  it("a stream cut by a dropped connection continues after the reconnect, without gap or repeat", async () => {
    stack = await startStack();
    const { gateway, transport } = stack;
    const states: ConnectionState[] = [];
    transport.subscribeConnectionState((state) => states.push(state));
    const frames: ReplyFrame[] = [];
    let dropped = false;
    const done = new Promise<void>((resolve) => {
      transport.send(
        { id: createRequestId(), type: "demo.count", payload: { n: 40, delayMs: 5 } },
        (frame) => {
          frames.push(frame);
          if (frame.kind === "chunk" && !dropped && frames.length > 10) {
            dropped = true;
            // What a network drop looks like to the gateway: the connection closes under the socket.
            for (const socket of gateway.io.sockets.sockets.values()) socket.conn.close();
          }
          if (frame.kind === "result" || frame.kind === "error") resolve();
        },
      );
    });
    await done;
    expect(dropped).toBe(true);
    expect(states).toEqual(expect.arrayContaining(["reconnecting", "connected"]));
    expect(frames.map((frame) => frame.seq)).toEqual(frames.map((_, index) => index));
    const chunks = frames.flatMap((frame) => (frame.kind === "chunk" ? [frame.data] : []));
    expect(chunks).toEqual(Array.from({ length: 40 }, (_, i) => ({ i })));
    expect(frames.at(-1)).toMatchObject({ kind: "result", data: { count: 40 } });
  });

  it("a refused handshake ends the request UNAUTHORIZED; reconnect() with a good token goes on", async () => {
    const tokens = ["wrong", "letmein"];
    stack = await startStack({
      authenticate: ({ token }) => (token === "letmein" ? { principal: "ada" } : false),
      transport: {
        token: () => tokens.shift(),
        logger: silentLogger,
      },
    });
    const { transport } = stack;
    const refused = await runToEnd(transport, "demo.echo", 1);
    expect(refused).toEqual([
      expect.objectContaining({
        seq: 0,
        kind: "error",
        error: expect.objectContaining({ code: "UNAUTHORIZED" }),
      }),
    ]);
    expect(transport.getConnectionState()).toBe("disconnected");
    transport.reconnect();
    const answered = await runToEnd(transport, "demo.echo", "hello ada");
    expect(answered.at(-1)).toMatchObject({ kind: "result", data: "hello ada" });
  });
});
