import {
  createRequestId,
  isTerminalFrame,
  type ReplyFrame,
  randomId,
  silentLogger,
} from "@taskbridge/core/protocol";
import { createSocketIoTransport, type SocketIoTransport } from "@taskbridge/core/socket-io";
import { io } from "socket.io-client";
import { AMQP_URL } from "./contracts/rabbitWorkerSetups.js";
import { type Haproxy, startHaproxy } from "./support/haproxy.js";
import { keepCookies } from "./support/keepCookies.js";
import { freePort } from "./support/startDemoStack.js";
import { type LiveProcess, spawnLiveProcess } from "./support/startLiveStack.js";

// HAProxy (deploy/haproxy.cfg's configuration) in front of three gateway processes on the shared
// RabbitMQ. A Node Socket.IO client that keeps HAProxy's SERVERID cookie as a browser does
// (keepCookies) reconnects to the gateway it started on; once that gateway is SIGKILLed, HAProxy
// redispatches the client to another one, and the new cookie keeps it there (not round-robin
// between the two left). Which gateway served a request is read from each gateway's own /metrics
// (its requests counter).
jest.setTimeout(60_000);

type Gateway = { readonly name: string; readonly port: number; readonly process: LiveProcess };

/** Requests a gateway finished so far: the sum of its `taskbridge_gateway_requests_total`. */
const requestsServed = async (gateway: Gateway): Promise<number> => {
  const text = await (await fetch(`http://127.0.0.1:${gateway.port}/metrics`)).text();
  return text
    .split("\n")
    .filter((line) => line.startsWith("taskbridge_gateway_requests_total"))
    .reduce((sum, line) => sum + Number(line.split(" ").at(-1)), 0);
};

describe("HAProxy in front of three gateways", () => {
  const gateways: Gateway[] = [];
  let proxy: Haproxy | undefined;
  let transport: SocketIoTransport | undefined;

  afterAll(async () => {
    await transport?.close();
    await proxy?.dispose();
    await Promise.all(gateways.map((gateway) => gateway.process.stop("SIGKILL")));
  });

  it("keeps a Socket.IO client on its gateway across reconnects and redispatches it when that gateway dies", async () => {
    for (const name of ["gw-a", "gw-b", "gw-c"]) {
      const port = await freePort();
      const process = spawnLiveProcess(
        name,
        "packages/gateway/src/main.ts",
        {
          AMQP_URL,
          AMQP_URLS: "",
          PORT: String(port),
          HOST: "127.0.0.1",
          TASKBRIDGE_GATEWAY_ID: `t-sticky-${name}-${randomId(6)}`,
          // Requests for a type nobody announced are answered by the gateway itself.
          TASKBRIDGE_KNOWN_TYPES_ONLY: "1",
          TASKBRIDGE_LOG_LEVEL: "warn",
        },
        /gateway listening on /,
        45_000,
      );
      gateways.push({ name, port, process });
    }
    await Promise.all(gateways.map((gateway) => gateway.process.ready));
    proxy = await startHaproxy({
      backends: gateways.map((gateway) => ({ name: gateway.name, port: gateway.port })),
    });
    const client = io(proxy.url, {
      withCredentials: true, // Node: read Set-Cookie (HAProxy's SERVERID) and send it back
      autoConnect: false,
      forceNew: true,
      reconnectionDelay: 100,
      reconnectionDelayMax: 500,
    });
    keepCookies(client.io);
    transport = createSocketIoTransport({ socket: client, logger: silentLogger });
    const active = transport;

    /** Sends one request through the proxy; resolves with the gateway that answered it. */
    const servedBy = async (): Promise<string> => {
      const live = gateways.filter((gateway) => gateway.process.running());
      const before = await Promise.all(live.map(requestsServed));
      const terminal = await new Promise<ReplyFrame>((resolve) => {
        active.send({ id: createRequestId(), type: "t.nobody.serves", payload: null }, (frame) => {
          if (isTerminalFrame(frame)) resolve(frame);
        });
      });
      expect(terminal).toMatchObject({ kind: "error", error: { code: "UNKNOWN_TYPE" } });
      const after = await Promise.all(live.map(requestsServed));
      const served = live.filter((_, i) => (after[i] ?? 0) > (before[i] ?? 0));
      expect(served).toHaveLength(1);
      return served[0]!.name;
    };
    /** Drops the connection under the client and resolves once Socket.IO reconnected. */
    const reconnect = async (drop: () => unknown): Promise<void> => {
      const connected = new Promise<void>((resolve) => client.once("connect", () => resolve()));
      await drop();
      await connected;
    };

    const first = await servedBy();
    await reconnect(() => client.io.engine.close());
    expect(await servedBy()).toBe(first);
    await reconnect(() => client.io.engine.close());
    expect(await servedBy()).toBe(first);

    const dead = gateways.find((gateway) => gateway.name === first)!;
    await reconnect(() => dead.process.stop("SIGKILL"));
    const second = await servedBy();
    expect(second).not.toBe(first);
    // the cookie now names the gateway it was redispatched to: reconnects stay there
    await reconnect(() => client.io.engine.close());
    expect(await servedBy()).toBe(second);
    await reconnect(() => client.io.engine.close());
    expect(await servedBy()).toBe(second);
  });
});
