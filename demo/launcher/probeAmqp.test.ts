import { createServer, type Server, type Socket } from "node:net";
import { probeAmqp, redactUrl } from "./probeAmqp.js";

describe("probeAmqp", () => {
  it("reports a refused port as unreachable, with the reason", async () => {
    const probe = await probeAmqp("amqp://guest:guest@127.0.0.1:1", 5000);
    expect(probe).toEqual({ ok: false, reason: expect.stringMatching(/ECONNREFUSED/) });
  });

  it("reports a port that accepts but never speaks AMQP as unreachable within the timeout", async () => {
    const sockets = new Set<Socket>();
    const silent: Server = createServer((socket) => {
      sockets.add(socket);
      socket.on("error", () => {});
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as { port: number };
    try {
      const probe = await probeAmqp(`amqp://guest:guest@127.0.0.1:${port}`, 300);
      expect(probe.ok).toBe(false);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it("keeps credentials out of messages", () => {
    expect(redactUrl("amqp://user:secret@rabbit:5672/vhost")).toBe("amqp://rabbit:5672/vhost");
  });
});
