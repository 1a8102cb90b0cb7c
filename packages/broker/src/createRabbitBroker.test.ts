import { createServer } from "node:net";
import { silentLogger } from "@taskbridge/core/protocol";
import { createRabbitBroker } from "./createRabbitBroker.js";
import type { BrokerState } from "./types.js";

/** A port nothing listens on: taken from the OS, then released. */
const closedPort = (): Promise<number> =>
  new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 1));
    });
  });

describe("createRabbitBroker without a reachable RabbitMQ", () => {
  it("retries with back-off, rejects publishes at once, holds declarations, and closes cleanly", async () => {
    const port = await closedPort();
    const attempts: number[] = [];
    const broker = createRabbitBroker({
      url: `amqp://guest:guest@127.0.0.1:${port}`,
      logger: silentLogger,
      backoff: (attempt) => {
        attempts.push(attempt);
        return 20;
      },
    });
    expect(broker.getState()).toBe("connecting");
    const states: BrokerState[] = [];
    const retried = new Promise<void>((resolve) => {
      broker.subscribeState((state) => {
        states.push(state);
        if (attempts.length >= 3) resolve();
      });
    });
    const declared = broker.assertQueue("never.declared");
    await retried;
    expect(states).toEqual(expect.arrayContaining(["disconnected", "connecting"]));
    expect(attempts.slice(0, 3)).toEqual([1, 2, 3]);
    await expect(broker.publish("", "q", "x")).rejects.toMatchObject({
      code: "UNAVAILABLE",
      retryable: true,
    });
    await broker.close();
    expect(broker.getState()).toBe("closed");
    await expect(declared).rejects.toMatchObject({ code: "UNAVAILABLE" });
    await expect(broker.consume("q", () => {})).rejects.toMatchObject({ code: "UNAVAILABLE" });
  });
});
