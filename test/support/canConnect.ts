import { createConnection } from "node:net";

/** True when something accepts TCP connections on 127.0.0.1:`port` (a readiness probe). */
export const canConnect = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
