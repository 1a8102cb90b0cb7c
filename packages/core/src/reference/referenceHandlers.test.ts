import { delay } from "../protocol/delay.js";
import { createMemoryTransport } from "../transport/createMemoryTransport.js";
import { makeBackendRequest } from "../transport/makeBackendRequest.js";
import { referenceHandlers } from "./referenceHandlers.js";

describe("reference services", () => {
  const transport = createMemoryTransport({ handlers: referenceHandlers });
  afterAll(() => transport.close());

  it("refuse nonsense payloads with BAD_REQUEST", async () => {
    await expect(makeBackendRequest(transport, "demo.count", { n: -1 })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await expect(
      makeBackendRequest(transport, "demo.progress", { steps: "many", delayMs: 1 }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("demo.count waits delayMs between chunks and stops when cancelled", async () => {
    const controller = new AbortController();
    const chunks: unknown[] = [];
    const request = makeBackendRequest(
      transport,
      "demo.count",
      { n: 1000, delayMs: 10 },
      {
        signal: controller.signal,
        onChunk: (chunk) => {
          chunks.push(chunk);
          controller.abort();
        },
      },
    );
    await expect(request).rejects.toMatchObject({ code: "CANCELLED" });
    expect(chunks).toEqual([{ i: 0 }]);
  });
});

describe("delay", () => {
  it("resolves after the time", async () => {
    await expect(delay(1)).resolves.toBeUndefined();
  });

  it("rejects with the abort reason at once", async () => {
    const controller = new AbortController();
    const waiting = delay(60_000, controller.signal);
    controller.abort("stop");
    await expect(waiting).rejects.toBe("stop");
    await expect(delay(10, AbortSignal.abort("already"))).rejects.toBe("already");
  });
});
