import { createMemoryTransport, defineHandlers, makeBackendRequest } from "@taskbridge/core";

// The handlers a worker would serve, tested in-process: no gateway, no RabbitMQ.
const handlers = defineHandlers({
  "invoice.total": async (payload: { lines: number[] }, ctx) => {
    let total = 0;
    for (const [index, amount] of payload.lines.entries()) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      total += amount;
      ctx.progress(index + 1, payload.lines.length);
      ctx.emit({ running: total });
    }
    if (total < 0) throw new Error("an invoice cannot be negative");
    return { total };
  },
});

describe("invoice.total", () => {
  const transport = createMemoryTransport({ handlers });
  afterAll(() => transport.close());

  it("streams running totals and returns the sum", async () => {
    const chunks: unknown[] = [];
    const result = await makeBackendRequest(
      transport,
      "invoice.total",
      { lines: [5, 10] },
      { onChunk: (chunk) => chunks.push(chunk) },
    );
    expect(chunks).toEqual([{ running: 5 }, { running: 15 }]);
    expect(result).toEqual({ total: 15 });
  });

  it("fails as a worker would: WORKER_ERROR with the message", async () => {
    await expect(
      makeBackendRequest(transport, "invoice.total", { lines: [-3] }),
    ).rejects.toMatchObject({ code: "WORKER_ERROR", message: "an invoice cannot be negative" });
  });
});
