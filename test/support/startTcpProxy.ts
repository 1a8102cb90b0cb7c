import { connect, createServer, type Socket } from "node:net";

/** A TCP proxy on 127.0.0.1 whose target a test switches: a load balancer, as far as a client can tell. */
export type TcpProxy = {
  /** `http://127.0.0.1:<port>`: where clients connect. */
  readonly url: string;
  /** Sends new connections to `port` on 127.0.0.1 from now on. */
  readonly target: (port: number) => void;
  /** Cuts every open connection at once, both sides, as a dead process does. */
  readonly drop: () => void;
  readonly close: () => Promise<void>;
};

/**
 * Starts a TCP proxy that pipes each connection to the current target port, so a test can move
 * its clients from one server to another (a gateway dies, the load balancer sends the clients
 * elsewhere) without touching the clients.
 *
 * @example
 * const proxy = await startTcpProxy(gatewayA.port);
 * proxy.drop(); proxy.target(gatewayB.port); // clients reconnect to B
 */
export const startTcpProxy = async (initialPort: number): Promise<TcpProxy> => {
  let port = initialPort;
  const open = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect({ port, host: "127.0.0.1" });
    open.add(client);
    open.add(upstream);
    const forget = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on("error", forget).on("close", forget);
    upstream.on("error", forget).on("close", forget);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const listening = typeof address === "object" && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${listening}`,
    target: (next) => {
      port = next;
    },
    drop: () => {
      for (const socket of [...open]) socket.destroy();
      open.clear();
    },
    close: async () => {
      for (const socket of [...open]) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};
