import type { Transport, TransportRequest } from "@taskbridge/core";
import { makeBackendRequest } from "@taskbridge/core";
import {
  cancelledError,
  createRequestId,
  type ErrorBody,
  isErrorBody,
  isTerminalFrame,
  MAX_PAYLOAD_BYTES,
  type ReplyFrame,
} from "@taskbridge/core/protocol";
import { expectWellFormed } from "../support/expectWellFormed.js";

export type TransportContractOptions = {
  /** How long one test may take; generous, for loaded machines and live stacks. Default 30 s. */
  readonly testTimeoutMs?: number;
  /** The payload limit of the server under test. Default 1 MiB. */
  readonly maxPayloadBytes?: number;
  /** How many requests the concurrency test sends at once. Default 100. */
  readonly concurrency?: number;
};

export type TransportUnderTest = {
  readonly transport: Transport;
  readonly teardown: () => Promise<void>;
};

/** Every frame of one request, and a promise of its terminal frame. */
type Recording = {
  readonly id: string;
  readonly frames: ReplyFrame[];
  readonly firstFrame: Promise<ReplyFrame>;
  readonly firstOf: (kind: ReplyFrame["kind"]) => Promise<ReplyFrame>;
  readonly terminal: Promise<ReplyFrame>;
};

const record = (
  transport: Transport,
  request: Omit<TransportRequest, "id"> & { id?: string },
): Recording => {
  const id = request.id ?? createRequestId();
  const frames: ReplyFrame[] = [];
  const waiters: { kind: ReplyFrame["kind"] | "any"; resolve: (f: ReplyFrame) => void }[] = [];
  const wait = (kind: ReplyFrame["kind"] | "any") =>
    new Promise<ReplyFrame>((resolve) => {
      const seen = frames.find((f) => kind === "any" || f.kind === kind);
      if (seen) resolve(seen);
      else waiters.push({ kind, resolve });
    });
  let endWith: (frame: ReplyFrame) => void = () => {};
  const terminal = new Promise<ReplyFrame>((resolve) => {
    endWith = resolve;
  });
  transport.send({ ...request, id }, (frame) => {
    frames.push(frame);
    for (const waiter of waiters) {
      if (waiter.kind === "any" || waiter.kind === frame.kind) waiter.resolve(frame);
    }
    if (isTerminalFrame(frame)) endWith(frame);
  });
  return { id, frames, firstFrame: wait("any"), firstOf: wait, terminal };
};

const errorOf = (frame: ReplyFrame): ErrorBody => {
  if (frame.kind !== "error") throw new Error(`expected an error frame, got ${frame.kind}`);
  return frame.error;
};

/**
 * The transport contract suite (DESIGN.md "Contract suites"): one `describe` that checks, through
 * the reference services of docs/protocol.md §8, what every `Transport` must do — results, `accepted`
 * first at seq 0, chunk order and strictly increasing seq, progress, exactly one terminal frame,
 * cancel, timeout, unknown types, worker errors without stacks, payload limits, 100 concurrent
 * requests each ending once, and `makeBackendRequest` on top. It uses only the `Transport`
 * interface and never relies on timing: `setup` must return a transport whose server serves the
 * reference services, and `teardown` must release everything it opened.
 *
 * @example
 * describeTransportContract("memory", async () => {
 *   const transport = createMemoryTransport({ handlers: referenceHandlers });
 *   return { transport, teardown: () => transport.close() };
 * });
 */
export const describeTransportContract = (
  name: string,
  setup: () => Promise<TransportUnderTest>,
  options: TransportContractOptions = {},
): void => {
  const testTimeout = options.testTimeoutMs ?? 30_000;
  const maxPayloadBytes = options.maxPayloadBytes ?? MAX_PAYLOAD_BYTES;
  const concurrency = options.concurrency ?? 100;

  describe(`transport contract: ${name}`, () => {
    let underTest: TransportUnderTest | undefined;
    const transport = (): Transport => {
      if (!underTest) throw new Error("setup did not run");
      return underTest.transport;
    };
    /** A full round trip after which an in-order transport has delivered earlier frames. */
    const barrier = async (): Promise<void> => {
      await record(transport(), { type: "demo.echo", payload: "barrier" }).terminal;
    };

    beforeAll(async () => {
      underTest = await setup();
    }, testTimeout);

    afterAll(async () => {
      await underTest?.teardown();
    }, testTimeout);

    it(
      "demo.echo answers accepted, then the payload as result",
      async () => {
        const payload = { text: "héllo ✓", list: [1, 2.5, null, true], nested: { a: "b" } };
        const recording = record(transport(), { type: "demo.echo", payload });
        expect(await recording.terminal).toMatchObject({ kind: "result", data: payload });
        expectWellFormed(recording, { accepted: true });
        expect(recording.frames).toHaveLength(2);
      },
      testTimeout,
    );

    it(
      "demo.count streams its chunks in order with strictly increasing seq",
      async () => {
        const recording = record(transport(), { type: "demo.count", payload: { n: 300 } });
        expect(await recording.terminal).toMatchObject({ kind: "result", data: { count: 300 } });
        expectWellFormed(recording, { accepted: true });
        const chunks = recording.frames.flatMap((f) => (f.kind === "chunk" ? [f.data] : []));
        expect(chunks).toEqual(Array.from({ length: 300 }, (_, i) => ({ i })));
      },
      testTimeout,
    );

    it(
      "demo.progress reports each step, then the result",
      async () => {
        const recording = record(transport(), {
          type: "demo.progress",
          payload: { steps: 5, delayMs: 1 },
        });
        expect(await recording.terminal).toMatchObject({ kind: "result", data: { done: 5 } });
        expectWellFormed(recording, { accepted: true });
        const progress = recording.frames.flatMap((f) =>
          f.kind === "progress" ? [f.progress] : [],
        );
        expect(progress).toEqual([1, 2, 3, 4, 5].map((done) => ({ done, total: 5 })));
      },
      testTimeout,
    );

    it(
      "demo.fail ends WORKER_ERROR with the thrown message and no stack",
      async () => {
        const recording = record(transport(), {
          type: "demo.fail",
          payload: { message: "boom, on purpose" },
        });
        const error = errorOf(await recording.terminal);
        expect(error).toMatchObject({ code: "WORKER_ERROR", message: "boom, on purpose" });
        expect(isErrorBody(error)).toBe(true);
        expect(JSON.stringify(error)).not.toMatch(/\n\s+at |\.(ts|js|py):\d+|Traceback/);
        expectWellFormed(recording, { accepted: true });
      },
      testTimeout,
    );

    it(
      "cancel ends the request CANCELLED at once, and nothing follows",
      async () => {
        const recording = record(transport(), {
          type: "demo.progress",
          payload: { steps: 500, delayMs: 20 },
        });
        await recording.firstOf("progress");
        transport().cancel(recording.id);
        // One wording for a client's cancel, whichever transport carried the request.
        expect(errorOf(await recording.terminal)).toEqual(cancelledError());
        await barrier();
        expectWellFormed(recording, { accepted: true });
        // Cancelling again, or an id nobody knows, is ignored.
        transport().cancel(recording.id);
        transport().cancel(createRequestId());
        await barrier();
        expect(recording.frames.filter((f) => isTerminalFrame(f))).toHaveLength(1);
      },
      testTimeout,
    );

    it(
      "a request that outlives its timeoutMs ends TIMEOUT",
      async () => {
        const recording = record(transport(), {
          type: "demo.progress",
          payload: { steps: 200, delayMs: 50 },
          timeoutMs: 300,
        });
        expect(errorOf(await recording.terminal).code).toBe("TIMEOUT");
        await barrier();
        expectWellFormed(recording, { accepted: true });
      },
      testTimeout,
    );

    it(
      "a type nobody serves ends UNKNOWN_TYPE or UNAVAILABLE, without accepted",
      async () => {
        const type = `t.${createRequestId().toLowerCase()}.nobody`;
        const recording = record(transport(), { type, payload: null });
        expect(["UNKNOWN_TYPE", "UNAVAILABLE"]).toContain(errorOf(await recording.terminal).code);
        expectWellFormed(recording, { accepted: false });
      },
      testTimeout,
    );

    it(
      "bad input is refused with one specific error and no accepted",
      async () => {
        const cases: [Omit<TransportRequest, "id">, ErrorBody["code"]][] = [
          [{ type: "Not A Type!", payload: null }, "BAD_REQUEST"],
          [{ type: "demo.echo", payload: null, timeoutMs: -5 }, "BAD_REQUEST"],
          [{ type: "demo.echo", payload: "x".repeat(maxPayloadBytes + 1) }, "PAYLOAD_TOO_LARGE"],
        ];
        for (const [request, code] of cases) {
          const recording = record(transport(), request);
          expect(errorOf(await recording.terminal).code).toBe(code);
          expectWellFormed(recording, { accepted: false });
        }
        // A payload just under the limit goes through.
        const fits = "y".repeat(maxPayloadBytes - 100);
        const recording = record(transport(), { type: "demo.echo", payload: fits });
        expect(await recording.terminal).toMatchObject({ kind: "result", data: fits });
      },
      testTimeout,
    );

    it(
      `${concurrency} concurrent requests each end exactly once, with their own result`,
      async () => {
        const recordings = Array.from({ length: concurrency }, (_, k) =>
          k % 2 === 0
            ? record(transport(), { type: "demo.echo", payload: { k } })
            : record(transport(), { type: "demo.count", payload: { n: 5 } }),
        );
        const terminals = await Promise.all(recordings.map((r) => r.terminal));
        await barrier();
        terminals.forEach((terminal, k) => {
          expect(terminal).toMatchObject({
            kind: "result",
            data: k % 2 === 0 ? { k } : { count: 5 },
          });
          expectWellFormed(recordings[k]!, { accepted: true });
        });
      },
      testTimeout,
    );

    it(
      "makeBackendRequest resolves with the result, streams chunks, rejects with the error body",
      async () => {
        const chunks: unknown[] = [];
        const result = await makeBackendRequest(
          transport(),
          "demo.count",
          { n: 3 },
          {
            onChunk: (chunk) => chunks.push(chunk),
            timeoutMs: testTimeout,
          },
        );
        expect(result).toEqual({ count: 3 });
        expect(chunks).toEqual([{ i: 0 }, { i: 1 }, { i: 2 }]);
        const failure = await makeBackendRequest(transport(), "demo.fail", {
          message: "nope",
        }).catch((e: unknown) => e);
        expect(isErrorBody(failure)).toBe(true);
        expect(failure).toMatchObject({ code: "WORKER_ERROR", message: "nope" });
      },
      testTimeout,
    );

    it(
      "makeBackendRequest: aborting the signal cancels the request",
      async () => {
        const controller = new AbortController();
        const pending = makeBackendRequest(
          transport(),
          "demo.progress",
          { steps: 500, delayMs: 20 },
          { signal: controller.signal, onProgress: () => controller.abort() },
        );
        await expect(pending).rejects.toEqual(cancelledError());
        await expect(
          makeBackendRequest(transport(), "demo.echo", 1, { signal: AbortSignal.abort() }),
        ).rejects.toEqual(cancelledError());
      },
      testTimeout,
    );
  });
};
