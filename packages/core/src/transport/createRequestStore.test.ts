import { createError, type FrameBody, type ReplyFrame } from "../protocol/index.js";
import { createRequestStore } from "./createRequestStore.js";
import { scheduleFlushPerFrame } from "./scheduleFlushPerFrame.js";
import type { FrameListener, Transport, TransportRequest } from "./transport.js";

/** A transport the test drives by hand: it records requests and cancels, and emits frames. */
const createScriptedTransport = () => {
  const sent: { request: TransportRequest; onFrame: FrameListener }[] = [];
  const cancelled: string[] = [];
  const transport: Transport = {
    send: (request, onFrame) => {
      sent.push({ request, onFrame });
    },
    cancel: (id) => {
      cancelled.push(id);
    },
    getConnectionState: () => "connected",
    subscribeConnectionState: () => () => {},
    close: async () => {},
  };
  const last = () => {
    const entry = sent.at(-1);
    if (!entry) throw new Error("nothing sent");
    return entry;
  };
  const emit = (frame: FrameBody & { seq: number }, entry = last()) =>
    entry.onFrame({ ...frame, id: entry.request.id } as ReplyFrame);
  return { transport, sent, cancelled, emit, last };
};

/** A manual scheduler: flushes run only when the test says so. */
const createManualScheduler = () => {
  const queue: (() => void)[] = [];
  return {
    scheduleFlush: (flush: () => void) => {
      queue.push(flush);
    },
    runAll: () => {
      for (const flush of queue.splice(0)) flush();
    },
    get size() {
      return queue.length;
    },
  };
};

describe("createRequestStore", () => {
  it("goes idle → pending → streaming → success and resolves with the result", async () => {
    const { transport, emit, last } = createScriptedTransport();
    const scheduler = createManualScheduler();
    const store = createRequestStore<{ n: number }, { i: number }, { count: number }>(
      transport,
      "demo.count",
      { scheduleFlush: scheduler.scheduleFlush },
    );
    expect(store.getState().status).toBe("idle");
    const result = store.send({ n: 2 }, { timeoutMs: 5000 });
    expect(last().request).toMatchObject({
      type: "demo.count",
      payload: { n: 2 },
      timeoutMs: 5000,
    });
    expect(store.getState().status).toBe("pending");
    emit({ seq: 0, kind: "accepted" });
    emit({ seq: 1, kind: "chunk", data: { i: 0 } });
    emit({ seq: 2, kind: "chunk", data: { i: 1 } });
    scheduler.runAll();
    expect(store.getState()).toMatchObject({ status: "streaming", chunks: [{ i: 0 }, { i: 1 }] });
    emit({ seq: 3, kind: "result", data: { count: 2 } });
    expect(store.getState()).toMatchObject({ status: "success", data: { count: 2 } });
    await expect(result).resolves.toEqual({ count: 2 });
  });

  it("notifies a handful of times for a burst of 10,000 chunks, and calls onChunk for each", async () => {
    const { transport, emit } = createScriptedTransport();
    const seen: number[] = [];
    const store = createRequestStore<null, number, null>(transport, "demo.burst", {
      onChunk: (chunk) => seen.push(chunk),
    });
    let notifications = 0;
    store.subscribe(() => notifications++);
    const result = store.send(null);
    emit({ seq: 0, kind: "accepted" });
    for (let i = 0; i < 10_000; i++) emit({ seq: i + 1, kind: "chunk", data: i });
    expect(seen).toHaveLength(10_000);
    await new Promise<void>((resolve) => {
      const unsubscribe = store.subscribe(() => {
        unsubscribe();
        resolve();
      });
    });
    expect(store.getState().chunks).toHaveLength(10_000);
    emit({ seq: 10_001, kind: "result", data: null });
    await result;
    // One for pending, one for the burst, one for the result.
    expect(notifications).toBeLessThanOrEqual(4);
    expect(store.getState().status).toBe("success");
  });

  it("with frame-paced flushes, notifies once per drawn frame and the terminal frame at once", async () => {
    const { transport, emit } = createScriptedTransport();
    const frames: (() => void)[] = [];
    const drawFrame = () => {
      for (const callback of frames.splice(0)) callback();
    };
    const store = createRequestStore<null, number, null>(transport, "demo.paced", {
      scheduleFlush: scheduleFlushPerFrame({
        requestAnimationFrame: (callback) => frames.push(callback),
        cancelAnimationFrame: () => {},
        setTimeout: () => undefined,
        clearTimeout: () => {},
      }),
    });
    const result = store.send(null);
    let notifications = 0;
    store.subscribe(() => notifications++);
    emit({ seq: 0, kind: "accepted" });
    // Many socket messages of 100 chunks each between two frames: one update.
    for (let i = 0; i < 1000; i++) emit({ seq: i + 1, kind: "chunk", data: i });
    expect(notifications).toBe(0);
    drawFrame();
    expect(notifications).toBe(1);
    const drawn = store.getState().chunks;
    expect(drawn).toHaveLength(1000);
    emit({ seq: 1001, kind: "chunk", data: 1000 });
    emit({ seq: 1002, kind: "result", data: null });
    expect(store.getState()).toMatchObject({ status: "success" });
    expect(store.getState().chunks).toHaveLength(1001);
    // What a subscriber was handed never changes afterwards.
    expect(drawn).toHaveLength(1000);
    expect(notifications).toBe(2);
    await expect(result).resolves.toBeNull();
    drawFrame();
    expect(notifications).toBe(2);
  });

  it("settles exactly once and ignores frames after the terminal one", async () => {
    const { transport, emit } = createScriptedTransport();
    const onSuccess = jest.fn();
    const onError = jest.fn();
    const store = createRequestStore(transport, "demo.echo", { onSuccess, onError });
    const result = store.send("hi");
    emit({ seq: 0, kind: "accepted" });
    emit({ seq: 1, kind: "result", data: "hi" });
    emit({ seq: 2, kind: "error", error: createError("INTERNAL", "late") });
    emit({ seq: 1, kind: "result", data: "again" });
    await expect(result).resolves.toBe("hi");
    expect(onSuccess).toHaveBeenCalledTimes(1);
    expect(onError).not.toHaveBeenCalled();
    expect(store.getState()).toMatchObject({ status: "success", data: "hi" });
  });

  it("rejects with the error body", async () => {
    const { transport, emit } = createScriptedTransport();
    const store = createRequestStore(transport, "demo.fail");
    const result = store.send({ message: "boom" });
    emit({ seq: 0, kind: "error", error: createError("WORKER_ERROR", "boom") });
    await expect(result).rejects.toEqual({ code: "WORKER_ERROR", message: "boom" });
    expect(store.getState()).toMatchObject({ status: "error", error: { code: "WORKER_ERROR" } });
  });

  it("cancel ends the request CANCELLED at once and tells the transport", async () => {
    const { transport, emit, cancelled, last } = createScriptedTransport();
    const onError = jest.fn();
    const store = createRequestStore(transport, "demo.progress", { onError });
    const result = store.send({ steps: 10, delayMs: 100 });
    emit({ seq: 0, kind: "accepted" });
    store.cancel();
    expect(cancelled).toEqual([last().request.id]);
    expect(store.getState()).toMatchObject({ status: "error", error: { code: "CANCELLED" } });
    await expect(result).rejects.toMatchObject({ code: "CANCELLED" });
    expect(onError).toHaveBeenCalledTimes(1);
    emit({ seq: 1, kind: "error", error: createError("CANCELLED", "from the server") });
    expect(onError).toHaveBeenCalledTimes(1);
    store.cancel();
    expect(cancelled).toHaveLength(1);
  });

  it("a new send cancels the one in flight and ignores its frames", async () => {
    const { transport, emit, sent, cancelled } = createScriptedTransport();
    const store = createRequestStore(transport, "demo.echo");
    const first = store.send(1);
    const firstEntry = sent[0]!;
    const second = store.send(2);
    await expect(first).rejects.toMatchObject({ code: "CANCELLED" });
    expect(cancelled).toEqual([firstEntry.request.id]);
    emit({ seq: 0, kind: "result", data: 1 }, firstEntry);
    expect(store.getState()).toMatchObject({ status: "pending", id: sent[1]!.request.id });
    emit({ seq: 0, kind: "result", data: 2 });
    await expect(second).resolves.toBe(2);
  });

  it("reset returns to idle; dispose stops notifications", async () => {
    const { transport, emit, cancelled } = createScriptedTransport();
    const store = createRequestStore(transport, "demo.echo");
    const listener = jest.fn();
    store.subscribe(listener);
    const result = store.send("x");
    store.reset();
    expect(store.getState().status).toBe("idle");
    expect(cancelled).toHaveLength(1);
    await expect(result).rejects.toMatchObject({ code: "CANCELLED" });
    const second = store.send("y");
    listener.mockClear();
    store.dispose();
    emit({ seq: 0, kind: "result", data: "y" });
    expect(listener).not.toHaveBeenCalled();
    await expect(second).rejects.toMatchObject({ code: "CANCELLED" });
    await expect(store.send("z")).rejects.toMatchObject({ code: "CANCELLED" });
  });

  it("an already-aborted signal ends CANCELLED without sending", async () => {
    const { transport, sent } = createScriptedTransport();
    const store = createRequestStore(transport, "demo.echo");
    await expect(store.send("x", { signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: "CANCELLED",
    });
    expect(sent).toHaveLength(0);
    expect(store.getState().status).toBe("error");
  });

  it("aborting the signal cancels the request", async () => {
    const { transport, cancelled } = createScriptedTransport();
    const store = createRequestStore(transport, "demo.echo");
    const controller = new AbortController();
    const result = store.send("x", { signal: controller.signal });
    controller.abort();
    await expect(result).rejects.toMatchObject({ code: "CANCELLED" });
    expect(cancelled).toHaveLength(1);
  });

  it("drops chunks on restart and reports the attempt", async () => {
    const { transport, emit } = createScriptedTransport();
    const scheduler = createManualScheduler();
    const onRestart = jest.fn();
    const store = createRequestStore<null, string, null>(transport, "demo.count", {
      scheduleFlush: scheduler.scheduleFlush,
      onRestart,
    });
    void store.send(null);
    emit({ seq: 0, kind: "accepted" });
    emit({ seq: 1, kind: "chunk", data: "a" });
    emit({ seq: 2, kind: "restart", attempt: 2 });
    emit({ seq: 3, kind: "chunk", data: "b" });
    expect(scheduler.size).toBe(1);
    scheduler.runAll();
    expect(store.getState()).toMatchObject({ chunks: ["b"], attempt: 2 });
    expect(onRestart).toHaveBeenCalledWith(2);
  });
});
