import { isErrorBody, type Progress } from "../protocol/index.js";
import { referenceHandlers } from "../reference/referenceHandlers.js";
import { createMemoryTransport } from "./createMemoryTransport.js";
import { makeBackendRequest } from "./makeBackendRequest.js";
import type { Transport } from "./transport.js";

// The reference services of docs/protocol.md §8, as the memory transport runs them anywhere.
const demoHandlers = referenceHandlers;

/** Wraps a transport and records what goes through it. */
const spy = (inner: Transport) => {
  const sent: string[] = [];
  const cancelled: string[] = [];
  const transport: Transport = {
    ...inner,
    send: (request, onFrame) => {
      sent.push(request.type);
      inner.send(request, onFrame);
    },
    cancel: (id) => {
      cancelled.push(id);
      inner.cancel(id);
    },
  };
  return { transport, sent, cancelled };
};

describe("makeBackendRequest", () => {
  const memory = createMemoryTransport({ handlers: demoHandlers });
  afterAll(() => memory.close());

  it("resolves with the result and streams chunks and progress to the callbacks", async () => {
    const chunks: { i: number }[] = [];
    const result = await makeBackendRequest<{ count: number }, { i: number }>(
      memory,
      "demo.count",
      { n: 3 },
      { onChunk: (chunk) => chunks.push(chunk) },
    );
    expect(result).toEqual({ count: 3 });
    expect(chunks).toEqual([{ i: 0 }, { i: 1 }, { i: 2 }]);
    const progress: Progress[] = [];
    await makeBackendRequest(
      memory,
      "demo.progress",
      { steps: 2, delayMs: 1 },
      {
        onProgress: (p) => progress.push(p),
      },
    );
    expect(progress).toEqual([
      { done: 1, total: 2 },
      { done: 2, total: 2 },
    ]);
  });

  it("rejects with the plain error body", async () => {
    const error = await makeBackendRequest(memory, "demo.fail", { message: "no luck" }).catch(
      (e: unknown) => e,
    );
    expect(isErrorBody(error)).toBe(true);
    expect(error).toEqual({ code: "WORKER_ERROR", message: "no luck" });
    expect(error).not.toBeInstanceOf(Error);
  });

  it("passes timeoutMs on: a slow task ends TIMEOUT", async () => {
    await expect(
      makeBackendRequest(memory, "demo.progress", { steps: 1000, delayMs: 50 }, { timeoutMs: 50 }),
    ).rejects.toMatchObject({ code: "TIMEOUT" });
  });

  it("rejects CANCELLED without sending when the signal is already aborted", async () => {
    const { transport, sent } = spy(memory);
    await expect(
      makeBackendRequest(transport, "demo.echo", 1, { signal: AbortSignal.abort() }),
    ).rejects.toMatchObject({ code: "CANCELLED" });
    expect(sent).toEqual([]);
  });

  it("cancels through the transport when the signal aborts", async () => {
    const { transport, cancelled } = spy(memory);
    const controller = new AbortController();
    const request = makeBackendRequest(
      transport,
      "demo.progress",
      { steps: 1000, delayMs: 20 },
      { signal: controller.signal, onProgress: () => controller.abort(), id: "abortme" },
    );
    await expect(request).rejects.toMatchObject({ code: "CANCELLED" });
    expect(cancelled).toEqual(["abortme"]);
  });

  it("tells about a restart of the worker", async () => {
    const crashing = createMemoryTransport({
      handlers: demoHandlers,
      crash: ({ attempt }) => attempt === 1 && 1,
    });
    const restarts: number[] = [];
    const chunks: unknown[] = [];
    const result = await makeBackendRequest(
      crashing,
      "demo.count",
      { n: 2 },
      {
        onRestart: (attempt) => {
          restarts.push(attempt);
          chunks.length = 0;
        },
        onChunk: (chunk) => chunks.push(chunk),
      },
    );
    expect(result).toEqual({ count: 2 });
    expect(restarts).toEqual([2]);
    expect(chunks).toEqual([{ i: 0 }, { i: 1 }]);
  });
});
