import type { Transport } from "@taskbridge/core";
import { createMemoryTransport } from "@taskbridge/core";
import { fetchCatalog } from "./fetchCatalog.js";

describe("fetchCatalog", () => {
  it("asks taskbridge.services with the given token, then closes the transport", async () => {
    const made: { gateway: string; token: string | undefined; transport: Transport }[] = [];
    const services = await fetchCatalog({
      gateway: "http://gw:1",
      token: "t0k",
      connect: (gateway, token) => {
        const transport = createMemoryTransport({
          handlers: { "taskbridge.services": () => ({ services: [{ type: "x.y", workers: [] }] }) },
        });
        made.push({ gateway, token, transport });
        return transport;
      },
    });
    expect(services).toEqual([{ type: "x.y", workers: [] }]);
    expect(made.map(({ gateway, token }) => [gateway, token])).toEqual([["http://gw:1", "t0k"]]);
    expect(made[0]?.transport.getConnectionState()).toBe("closed");
  });

  it("rejects with the error body and still closes", async () => {
    const transport = createMemoryTransport({ handlers: {} });
    await expect(fetchCatalog({ gateway: "g", connect: () => transport })).rejects.toMatchObject({
      code: "UNKNOWN_TYPE",
    });
    expect(transport.getConnectionState()).toBe("closed");
  });
});
