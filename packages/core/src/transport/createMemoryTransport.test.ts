import { z } from "zod";
import {
  createError,
  createRequestId,
  type HandlerContext,
  isTerminalFrame,
  type ReplyFrame,
} from "../protocol/index.js";
import type { Timers } from "../protocol/timers.js";
import { referenceHandlers } from "../reference/referenceHandlers.js";
import { createMemoryTransport } from "./createMemoryTransport.js";
import { defineContract } from "./defineContract.js";
import { simulateWorkerCrash } from "./simulateWorkerCrash.js";
import type { Transport, TransportRequest } from "./transport.js";

// The reference services of docs/protocol.md §8, as the memory transport runs them anywhere.
const demoHandlers = referenceHandlers;

const run = (
  transport: Transport,
  request: Omit<TransportRequest, "id"> & { id?: string },
): { id: string; frames: ReplyFrame[]; done: Promise<ReplyFrame[]> } => {
  const id = request.id ?? createRequestId();
  const frames: ReplyFrame[] = [];
  let finish: (frames: ReplyFrame[]) => void = () => {};
  const done = new Promise<ReplyFrame[]>((resolve) => {
    finish = resolve;
  });
  transport.send({ ...request, id }, (frame) => {
    frames.push(frame);
    if (isTerminalFrame(frame)) finish(frames);
  });
  return { id, frames, done };
};

const kinds = (frames: readonly ReplyFrame[]) => frames.map((f) => f.kind);

/** Timers the test fires by hand. */
const createManualTimers = () => {
  const pending = new Map<number, { callback: () => void; ms: number }>();
  let next = 0;
  const timers: Pick<Timers, "setTimeout" | "clearTimeout"> = {
    setTimeout: (callback, ms) => {
      pending.set(++next, { callback, ms });
      return next;
    },
    clearTimeout: (handle) => {
      pending.delete(handle as number);
    },
  };
  const fire = (ms: number) => {
    for (const [handle, timer] of [...pending]) {
      if (timer.ms === ms) {
        pending.delete(handle);
        timer.callback();
      }
    }
  };
  return { timers, pending, fire };
};

describe("createMemoryTransport", () => {
  it("never delivers a frame synchronously inside send", async () => {
    const transport = createMemoryTransport({ handlers: demoHandlers });
    const request = run(transport, { type: "demo.echo", payload: 1 });
    expect(request.frames).toHaveLength(0);
    expect(kinds(await request.done)).toEqual(["accepted", "result"]);
  });

  it("runs async-iterable handlers as streams ending with a null result", async () => {
    const transport = createMemoryTransport({
      handlers: {
        "t.letters": async function* () {
          yield "a";
          yield "b";
        },
      },
    });
    const frames = await run(transport, { type: "t.letters", payload: null }).done;
    expect(
      frames.map((f) => (f.kind === "chunk" || f.kind === "result" ? f.data : f.kind)),
    ).toEqual(["accepted", "a", "b", null]);
  });

  it("streams 50,000 chunks without waiting on timers", async () => {
    const transport = createMemoryTransport({ handlers: demoHandlers });
    const started = Date.now();
    const frames = await run(transport, { type: "demo.count", payload: { n: 50_000 } }).done;
    expect(frames).toHaveLength(50_002);
    expect(frames.at(-1)).toMatchObject({ kind: "result", data: { count: 50_000 }, seq: 50_001 });
    // Generous on a loaded machine; one timer per chunk would take a minute.
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("aborts the handler's signal on cancel and on timeout", async () => {
    const signals: AbortSignal[] = [];
    let bothStarted: () => void = () => {};
    const started = new Promise<void>((resolve) => {
      bothStarted = resolve;
    });
    const transport = createMemoryTransport({
      handlers: {
        "t.wait": (_payload: null, ctx: HandlerContext) =>
          new Promise((_resolve, reject) => {
            signals.push(ctx.signal);
            if (signals.length === 2) bothStarted();
            ctx.progress(0);
            ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason));
          }),
      },
    });
    const cancelled = run(transport, { type: "t.wait", payload: null });
    const timedOut = run(transport, { type: "t.wait", payload: null, timeoutMs: 20 });
    await started;
    transport.cancel(cancelled.id);
    const [cancelFrames, timeoutFrames] = await Promise.all([cancelled.done, timedOut.done]);
    expect(cancelFrames.at(-1)).toMatchObject({ kind: "error", error: { code: "CANCELLED" } });
    expect(timeoutFrames.at(-1)).toMatchObject({ kind: "error", error: { code: "TIMEOUT" } });
    expect(signals.every((signal) => signal.aborted)).toBe(true);
  });

  it("passes a thrown error body through and turns other throws into WORKER_ERROR", async () => {
    const transport = createMemoryTransport({
      handlers: {
        "t.forbidden": () => {
          throw createError("FORBIDDEN", "not yours", { details: { who: "x" } });
        },
        "t.broken": () => {
          throw new TypeError("cannot read x of undefined");
        },
      },
    });
    const forbidden = await run(transport, { type: "t.forbidden", payload: null }).done;
    expect(forbidden.at(-1)).toEqual({
      id: expect.any(String),
      seq: 1,
      kind: "error",
      error: { code: "FORBIDDEN", message: "not yours", details: { who: "x" } },
    });
    const broken = await run(transport, { type: "t.broken", payload: null }).done;
    expect(broken.at(-1)).toMatchObject({
      kind: "error",
      error: { code: "WORKER_ERROR", message: "cannot read x of undefined" },
    });
    expect(JSON.stringify(broken)).not.toContain("    at ");
  });

  it("injects failures with failureRate and random, without accepted", async () => {
    const failing = createMemoryTransport({
      handlers: demoHandlers,
      failureRate: 0.5,
      random: () => 0.2,
    });
    const frames = await run(failing, { type: "demo.echo", payload: 1 }).done;
    expect(frames).toEqual([
      {
        id: expect.any(String),
        seq: 0,
        kind: "error",
        error: expect.objectContaining({ code: "UNAVAILABLE", retryable: true }),
      },
    ]);
    const lucky = createMemoryTransport({
      handlers: demoHandlers,
      failureRate: 0.5,
      random: () => 0.7,
    });
    expect(kinds(await run(lucky, { type: "demo.echo", payload: 1 }).done)).toEqual([
      "accepted",
      "result",
    ]);
    const custom = createMemoryTransport({
      handlers: demoHandlers,
      failureRate: 1,
      failWith: createError("RATE_LIMITED", "slow down"),
    });
    expect((await run(custom, { type: "demo.echo", payload: 1 }).done)[0]).toMatchObject({
      error: { code: "RATE_LIMITED" },
    });
  });

  it("ends an injected failure CANCELLED when cancelled during its latency", async () => {
    const { timers, pending } = createManualTimers();
    const transport = createMemoryTransport({
      handlers: demoHandlers,
      latencyMs: 100,
      failureRate: 1,
      timers,
    });
    const request = run(transport, { type: "demo.echo", payload: 1 });
    transport.cancel(request.id);
    expect(await request.done).toMatchObject([{ kind: "error", error: { code: "CANCELLED" } }]);
    expect(pending.size).toBe(0);
  });

  it("holds the handler back by latency plus jitter, on the injected timers", async () => {
    const { timers, pending, fire } = createManualTimers();
    const transport = createMemoryTransport({
      handlers: demoHandlers,
      latencyMs: 100,
      jitterMs: 50,
      random: () => 0.5,
      timers,
      defaultTimeoutMs: 60_000,
    });
    const request = run(transport, { type: "demo.echo", payload: "late" });
    await Promise.resolve();
    await Promise.resolve();
    expect(kinds(request.frames)).toEqual(["accepted"]);
    expect([...pending.values()].map((t) => t.ms).sort()).toEqual([125, 60_000]);
    fire(125);
    expect(kinds(await request.done)).toEqual(["accepted", "result"]);
    expect(pending.size).toBe(0);
  });

  it("clamps timeoutMs to maxTimeoutMs", () => {
    const { timers, pending } = createManualTimers();
    const transport = createMemoryTransport({
      handlers: demoHandlers,
      timers,
      maxTimeoutMs: 1000,
    });
    run(transport, { type: "demo.progress", payload: { steps: 1, delayMs: 5 }, timeoutMs: 5000 });
    expect([...pending.values()].map((t) => t.ms)).toEqual([1000]);
    void transport.close();
  });

  it("simulates a worker crash: restart, then the handler runs again with attempt 2", async () => {
    const attempts: number[] = [];
    const transport = createMemoryTransport({
      handlers: {
        "t.flaky": (_payload: null, ctx: HandlerContext) => {
          attempts.push(ctx.attempt);
          ctx.emit(`partial ${ctx.attempt}`);
          if (ctx.attempt === 1) throw simulateWorkerCrash();
          return "done";
        },
      },
    });
    const frames = await run(transport, { type: "t.flaky", payload: null }).done;
    expect(attempts).toEqual([1, 2]);
    expect(frames.map((f) => f.kind)).toEqual(["accepted", "chunk", "restart", "chunk", "result"]);
    expect(frames[2]).toMatchObject({ kind: "restart", attempt: 2, seq: 2 });
  });

  it("crashes by option after k frames, and ends WORKER_CRASHED after maxAttempts", async () => {
    const transport = createMemoryTransport({
      handlers: demoHandlers,
      crash: ({ type, attempt }) => type === "demo.count" && attempt === 1 && 2,
    });
    const frames = await run(transport, { type: "demo.count", payload: { n: 3 } }).done;
    expect(kinds(frames)).toEqual([
      "accepted",
      "chunk",
      "chunk",
      "restart",
      "chunk",
      "chunk",
      "chunk",
      "result",
    ]);
    const doomed = createMemoryTransport({
      handlers: demoHandlers,
      crash: () => 0,
      maxAttempts: 3,
    });
    const doomedFrames = await run(doomed, { type: "demo.echo", payload: 1 }).done;
    expect(kinds(doomedFrames)).toEqual(["accepted", "restart", "restart", "error"]);
    expect(doomedFrames.at(-1)).toMatchObject({ error: { code: "WORKER_CRASHED" } });
  });

  it("refuses a duplicate id in flight with BAD_REQUEST and leaves the first request alone", async () => {
    const transport = createMemoryTransport({ handlers: demoHandlers });
    const first = run(transport, {
      id: "same",
      type: "demo.progress",
      payload: { steps: 2, delayMs: 5 },
    });
    const second = run(transport, { id: "same", type: "demo.echo", payload: 1 });
    expect((await second.done).map((f) => f.kind)).toEqual(["error"]);
    expect(second.frames[0]).toMatchObject({
      error: { code: "BAD_REQUEST", details: { id: "same" } },
    });
    expect((await first.done).at(-1)).toMatchObject({ kind: "result", data: { done: 2 } });
    // Once ended, the id is free again.
    expect(kinds(await run(transport, { id: "same", type: "demo.echo", payload: 2 }).done)).toEqual(
      ["accepted", "result"],
    );
  });

  it("refuses an invalid id or type with BAD_REQUEST and an oversized payload", async () => {
    const transport = createMemoryTransport({ handlers: demoHandlers, maxPayloadBytes: 10 });
    const badId = await run(transport, { id: "no spaces", type: "demo.echo", payload: 1 }).done;
    expect(badId).toMatchObject([{ kind: "error", error: { code: "BAD_REQUEST" } }]);
    const big = await run(transport, { type: "demo.echo", payload: "0123456789" }).done;
    expect(big).toMatchObject([{ kind: "error", error: { code: "PAYLOAD_TOO_LARGE" } }]);
  });

  it("checks payloads against an optional contract, as a gateway with schemas does", async () => {
    const transport = createMemoryTransport({
      handlers: demoHandlers,
      contract: defineContract({
        "demo.count": {
          payload: z.object({ n: z.number().int().min(0) }),
          result: z.object({ count: z.number() }),
        },
      }),
    });
    const refused = await run(transport, { type: "demo.count", payload: { n: -2 } }).done;
    expect(refused).toMatchObject([
      { kind: "error", error: { code: "BAD_REQUEST", details: { issues: [{ path: "n" }] } } },
    ]);
    expect(kinds(await run(transport, { type: "demo.count", payload: { n: 1 } }).done)).toEqual([
      "accepted",
      "chunk",
      "result",
    ]);
    // Types without a schema are not checked.
    expect(kinds(await run(transport, { type: "demo.echo", payload: -2 }).done)).toEqual([
      "accepted",
      "result",
    ]);
  });

  it("gives handlers principal, deadline and a JSON copy of the payload", async () => {
    const seen: { principal: string; deadline: number; payload: unknown }[] = [];
    const transport = createMemoryTransport({
      principal: "user-7",
      now: () => 1_000,
      handlers: {
        "t.look": (payload: { list: number[] }, ctx: HandlerContext) => {
          payload.list.push(99);
          seen.push({ principal: ctx.principal, deadline: ctx.deadline, payload });
          return { when: undefined, list: payload.list };
        },
      },
    });
    const payload = { list: [1], skip: undefined };
    const frames = await run(transport, { type: "t.look", payload, timeoutMs: 500 }).done;
    expect(payload.list).toEqual([1]);
    expect(seen).toEqual([{ principal: "user-7", deadline: 1_500, payload: { list: [1, 99] } }]);
    expect(frames.at(-1)).toMatchObject({ kind: "result", data: { list: [1, 99] } });
  });

  it("reports a throwing listener and keeps delivering", async () => {
    const reported: unknown[] = [];
    const transport = createMemoryTransport({
      handlers: demoHandlers,
      onListenerError: (thrown) => reported.push(thrown),
    });
    const done = new Promise<ReplyFrame>((resolve) => {
      transport.send({ id: "x1", type: "demo.echo", payload: 1 }, (frame) => {
        if (isTerminalFrame(frame)) resolve(frame);
        else throw new Error("listener bug");
      });
    });
    expect(await done).toMatchObject({ kind: "result" });
    expect(reported).toHaveLength(1);
  });

  it("delivers chunks of one turn (a 1.1 batch inside) one by one, in order, around a progress", async () => {
    const reported: unknown[] = [];
    const transport = createMemoryTransport({
      handlers: {
        "t.burst": (_payload: null, ctx: HandlerContext) => {
          for (const letter of ["a", "b", "c"]) ctx.emit(letter);
          ctx.progress(1, 2);
          ctx.emit("d");
          ctx.emit("e");
          return "done";
        },
      },
      onListenerError: (thrown) => reported.push(thrown),
    });
    const frames: ReplyFrame[] = [];
    const done = new Promise<void>((resolve) => {
      transport.send({ id: "b1", type: "t.burst", payload: null }, (frame) => {
        frames.push(frame);
        if (isTerminalFrame(frame)) resolve();
        if (frame.kind === "chunk" && frame.data === "b") throw new Error("listener bug");
      });
    });
    await done;
    expect(frames.map((f) => (f.kind === "chunk" ? f.data : f.kind))).toEqual([
      "accepted",
      "a",
      "b",
      "c",
      "progress",
      "d",
      "e",
      "result",
    ]);
    expect(frames.map((f) => f.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(frames[2]).toEqual({ id: "b1", seq: 2, kind: "chunk", data: "b" });
    expect(reported).toHaveLength(1);
  });

  it("close ends requests in flight CANCELLED and refuses new ones", async () => {
    const transport = createMemoryTransport({ handlers: demoHandlers });
    const states: string[] = [];
    transport.subscribeConnectionState((state) => states.push(state));
    expect(transport.getConnectionState()).toBe("connected");
    const inFlight = run(transport, {
      type: "demo.progress",
      payload: { steps: 100, delayMs: 50 },
    });
    await transport.close();
    expect(inFlight.frames.at(-1)).toMatchObject({ kind: "error", error: { code: "CANCELLED" } });
    expect(transport.getConnectionState()).toBe("closed");
    expect(states).toEqual(["closed"]);
    const late = await run(transport, { type: "demo.echo", payload: 1 }).done;
    expect(late).toMatchObject([{ kind: "error", error: { code: "UNAVAILABLE" } }]);
  });
});
