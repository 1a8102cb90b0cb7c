import { createClient, createMemoryTransport } from "@taskbridge/core";
import { referenceHandlers } from "@taskbridge/core/reference";
import { referenceContract } from "@taskbridge/core/reference-contract";
import { z } from "zod";

// The reference services and their contract agree: every call passes the client's checks.
describe("referenceContract with referenceHandlers", () => {
  const transport = createMemoryTransport({ handlers: referenceHandlers });
  afterAll(() => transport.close());
  const client = createClient(transport, referenceContract, { validateChunks: true });

  it("types and checks every reference service", async () => {
    expect(await client.request("demo.echo", { any: ["thing"] })).toEqual({ any: ["thing"] });
    const chunks: number[] = [];
    expect(
      await client.request("demo.count", { n: 3 }, { onChunk: ({ i }) => chunks.push(i) }),
    ).toEqual({ count: 3 });
    expect(chunks).toEqual([0, 1, 2]);
    expect(await client.request("demo.progress", { steps: 2, delayMs: 1 })).toEqual({ done: 2 });
    await expect(client.request("demo.fail", { message: "as designed" })).rejects.toEqual({
      code: "WORKER_ERROR",
      message: "as designed",
    });
  });

  it("converts to JSON Schema for the registry", () => {
    for (const entry of Object.values(referenceContract)) {
      expect(() => z.toJSONSchema(entry.payload)).not.toThrow();
    }
    expect(z.toJSONSchema(referenceContract["demo.count"].payload)).toMatchObject({
      type: "object",
      properties: { n: { type: "integer" } },
      required: ["n"],
    });
  });
});
