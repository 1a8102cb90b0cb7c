import type { ConnectionState, TransportRequest } from "@taskbridge/core";
import {
  createRequestId,
  type ErrorBody,
  isTerminalFrame,
  type ReplyFrame,
} from "@taskbridge/core/protocol";
import { createSocketIoTransport, type SocketIoTransport } from "@taskbridge/core/socket-io";
import { expectWellFormed } from "./support/expectWellFormed.js";
import { createRabbitNode, type RabbitNode } from "./support/rabbitNode.js";
import { type LiveStack, startLiveStack } from "./support/startLiveStack.js";

// GitHub issue 3: faults over the real processes — `bun packages/gateway/src/main.ts` and `bun packages/worker/src/main.ts`
// as child processes, one throwaway RabbitMQ node for the file (so it can be restarted), and the
// client's createSocketIoTransport in the Jest process. Each test starts its own gateway and
// workers on that node and stops them after.

/** Every frame of one request, promises of its terminal frame and of a condition on its frames. */
type Recording = {
  readonly id: string;
  readonly frames: ReplyFrame[];
  readonly terminal: Promise<ReplyFrame>;
  readonly until: (condition: (frames: readonly ReplyFrame[]) => boolean) => Promise<void>;
};

const record = (transport: SocketIoTransport, request: Omit<TransportRequest, "id">): Recording => {
  const id = createRequestId();
  const frames: ReplyFrame[] = [];
  const waiters: { condition: (frames: readonly ReplyFrame[]) => boolean; done: () => void }[] = [];
  let endWith: (frame: ReplyFrame) => void = () => {};
  const terminal = new Promise<ReplyFrame>((resolve) => {
    endWith = resolve;
  });
  transport.send({ ...request, id }, (frame) => {
    frames.push(frame);
    for (const waiter of [...waiters]) {
      if (waiter.condition(frames)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.done();
      }
    }
    if (isTerminalFrame(frame)) endWith(frame);
  });
  const until = (condition: (frames: readonly ReplyFrame[]) => boolean) =>
    new Promise<void>((resolve) => {
      if (condition(frames)) resolve();
      else waiters.push({ condition, done: resolve });
    });
  return { id, frames, terminal, until };
};

const chunksOf = (frames: readonly ReplyFrame[]) => frames.filter((f) => f.kind === "chunk");

/** Awaits `promise`, or fails after `ms` with what the stack's processes printed. */
const within = async <T>(
  promise: Promise<T>,
  ms: number,
  what: string,
  stack: LiveStack,
): Promise<T> => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what}: nothing within ${ms} ms\n${stack.output()}`)),
      ms,
    );
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
};

/** Polls the gateway's /healthz (every 100 ms) until it answers `status`. */
const healthBecomes = async (url: string, status: number, timeoutMs: number): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer";
  while (Date.now() < deadline) {
    const answer = await fetch(`${url}/healthz`).then(
      (response) => response.status,
      (error: unknown) => String(error),
    );
    if (answer === status) return;
    last = String(answer);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`/healthz did not answer ${status} within ${timeoutMs} ms (last: ${last})`);
};

describe("the live stack under faults (Bun gateway and workers, throwaway RabbitMQ)", () => {
  let node: RabbitNode | undefined;
  let stack: LiveStack | undefined;
  let transport: SocketIoTransport | undefined;

  const connect = (url: string): SocketIoTransport => {
    transport = createSocketIoTransport({
      url,
      socketOptions: {
        transports: ["websocket"],
        reconnectionDelay: 50,
        reconnectionDelayMax: 500,
      },
    });
    return transport;
  };

  beforeAll(async () => {
    node = await createRabbitNode();
    await node.start();
  }, 90_000);

  afterEach(async () => {
    await transport?.close();
    await stack?.stop();
    transport = undefined;
    stack = undefined;
  }, 30_000);

  afterAll(async () => {
    await node?.dispose();
  }, 30_000);

  it("a worker SIGKILLed mid-stream: the client sees restart (attempt 2), then all 20 chunks and the result", async () => {
    const live = await startLiveStack({ amqpUrl: (node as RabbitNode).url, workers: 1 });
    stack = live;
    const client = connect(live.url);
    const [first] = live.workers();
    if (first === undefined) throw new Error("no worker started");
    const recording = record(client, {
      type: "demo.count",
      payload: { n: 20, delayMs: 300 },
      timeoutMs: 60_000,
    });
    await within(
      recording.until((frames) => chunksOf(frames).length >= 3),
      30_000,
      "3 chunks",
      live,
    );
    // Frozen mid-stream (SIGSTOP) while the second worker starts, however long that takes on a
    // loaded machine; then killed: its attempt cannot finish first, whatever the timing.
    first.signal("SIGSTOP");
    await live.startWorker();
    expect(await first.stop("SIGKILL")).toEqual({ code: null, signal: "SIGKILL" });
    const terminal = await within(recording.terminal, 45_000, "the result", live);
    expect(terminal).toMatchObject({ kind: "result", data: { count: 20 } });
    expectWellFormed(recording);
    const { frames } = recording;
    expect(frames[0]).toMatchObject({ kind: "accepted", seq: 0 });
    const restartAt = frames.findIndex((f) => f.kind === "restart");
    expect(restartAt).toBeGreaterThanOrEqual(4);
    expect(frames.filter((f) => f.kind === "restart")).toHaveLength(1);
    expect(frames[restartAt]).toMatchObject({ kind: "restart", attempt: 2 });
    // Attempt 1's partial stream, then attempt 2's whole stream.
    expect(
      chunksOf(frames.slice(1, restartAt)).map((f) => (f.kind === "chunk" ? f.data : null)),
    ).toEqual(Array.from({ length: restartAt - 1 }, (_, i) => ({ i })));
    expect(frames.slice(restartAt + 1).map((f) => [f.kind, "data" in f ? f.data : null])).toEqual([
      ...Array.from({ length: 20 }, (_, i) => ["chunk", { i }]),
      ["result", { count: 20 }],
    ]);
  }, 90_000);

  it("the gateway restarted (SIGTERM, same id and port) mid-stream: the client gets every chunk once, in order, and the result", async () => {
    const live = await startLiveStack({ amqpUrl: (node as RabbitNode).url, workers: 1 });
    stack = live;
    const client = connect(live.url);
    const states: ConnectionState[] = [];
    client.subscribeConnectionState((state) => states.push(state));
    const recording = record(client, {
      type: "demo.count",
      payload: { n: 30, delayMs: 200 },
      timeoutMs: 60_000,
    });
    await within(
      recording.until((frames) => chunksOf(frames).length >= 3),
      30_000,
      "3 chunks",
      live,
    );
    // SIGTERM: the gateway drains what it took from its reply queue and exits 0 (docs/protocol.md §2).
    expect(await live.gateway().stop("SIGTERM")).toEqual({ code: 0, signal: null });
    const seenBeforeRestart = recording.frames.length;
    expect(recording.frames.some((f) => isTerminalFrame(f))).toBe(false);
    await live.startGateway();
    const terminal = await within(recording.terminal, 45_000, "the result", live);
    expect(terminal).toMatchObject({ kind: "result", data: { count: 30 } });
    expectWellFormed(recording);
    const { frames } = recording;
    // The rest of the stream came through the new gateway, resumed without gap or repeat.
    expect(frames.length).toBeGreaterThan(seenBeforeRestart);
    expect(states).toContain("reconnecting");
    expect(frames.map((f) => [f.kind, "data" in f ? f.data : null])).toEqual([
      ["accepted", null],
      ...Array.from({ length: 30 }, (_, i) => ["chunk", { i }]),
      ["result", { count: 30 }],
    ]);
  }, 90_000);

  it("RabbitMQ restarted under load: every request ends once with a result or a known error, /healthz goes 503 and back, new requests succeed", async () => {
    const rabbit = node as RabbitNode;
    const live = await startLiveStack({ amqpUrl: rabbit.url, workers: 2 });
    stack = live;
    const client = connect(live.url);
    const progress = Array.from({ length: 15 }, () =>
      record(client, {
        type: "demo.progress",
        payload: { steps: 20, delayMs: 250 },
        timeoutMs: 30_000,
      }),
    );
    // Under load: every progress request is running (or done) before the broker goes away.
    await within(
      Promise.all(progress.map((r) => r.until((frames) => frames.length >= 2))),
      30_000,
      "progress started",
      live,
    );
    const echoes = Array.from({ length: 15 }, (_, k) =>
      record(client, { type: "demo.echo", payload: { k }, timeoutMs: 30_000 }),
    );
    const restarting = rabbit.restart();
    await within(healthBecomes(live.url, 503, 30_000), 35_000, "/healthz 503", live);
    await restarting;
    await within(healthBecomes(live.url, 200, 30_000), 35_000, "/healthz 200", live);

    const all = [...progress, ...echoes];
    const terminals = await within(
      Promise.all(all.map((r) => r.terminal)),
      45_000,
      "every request's end",
      live,
    );
    // Requests in flight are redelivered and finish (or, were a reply lost with the node, time
    // out at the gateway); requests that met the outage are refused. No request reaches the
    // delivery limit: before a broker fix, a consumer restored during the reconnect could not
    // publish, so the worker handed the redelivery back at once until WORKER_CRASHED.
    const known: ErrorBody["code"][] = ["UNAVAILABLE", "TIMEOUT"];
    terminals.forEach((terminal, k) => {
      const recording = all[k] as Recording;
      expectWellFormed(recording);
      if (terminal.kind === "result") {
        expect(terminal.data).toEqual(
          k < progress.length ? { done: 20 } : { k: k - progress.length },
        );
      } else if (terminal.kind === "error") {
        expect(known).toContain(terminal.error.code);
        // Ended by the gateway, not by the client giving up.
        expect((terminal.error.details as { local?: unknown } | undefined)?.local).toBeUndefined();
      } else throw new Error(`request ${k} ended with ${terminal.kind}`);
    });
    // The work caught by the outage went on: some request saw its attempt restart.
    expect(all.some((r) => r.frames.some((f) => f.kind === "restart"))).toBe(true);

    // The gateway and the workers reconnected and re-declared: new requests are served.
    const echo = record(client, { type: "demo.echo", payload: "after", timeoutMs: 30_000 });
    const count = record(client, { type: "demo.count", payload: { n: 5 }, timeoutMs: 30_000 });
    expect(await within(echo.terminal, 35_000, "echo after", live)).toMatchObject({
      kind: "result",
      data: "after",
    });
    expect(await within(count.terminal, 35_000, "count after", live)).toMatchObject({
      kind: "result",
      data: { count: 5 },
    });
    expectWellFormed(echo);
    expectWellFormed(count);
  }, 120_000);
});
