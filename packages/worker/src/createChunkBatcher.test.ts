import type { Broker, PublishOptions } from "@taskbridge/broker";
import { createManualTimers } from "@taskbridge/core/testing";
import { type ChunkBatcherOptions, createChunkBatcher } from "./createChunkBatcher.js";
import { createReplySender } from "./createReplySender.js";

// The worker side of docs/protocol.md §14.2, on the real reply sender and a broker that confirms
// every publish at once: what matters is which replies go out, when, and with which headers.
const setup = (options: Partial<Omit<ChunkBatcherOptions, "replies" | "timers">> = {}) => {
  const published: string[] = [];
  const broker = {
    publish: (_exchange: string, _key: string, body: string, publish?: PublishOptions) => {
      const headers = publish?.headers ?? {};
      const count = headers["x-count"] === undefined ? "" : `×${String(headers["x-count"])}`;
      published.push(`${String(headers["x-seq"])}:${String(headers["x-kind"])}${count} ${body}`);
      return Promise.resolve("routed" as const);
    },
  } as unknown as Broker;
  const timers = createManualTimers();
  const replies = createChunkBatcher({
    replies: createReplySender({
      broker,
      replyTo: "reply",
      correlationId: "anon:s:r1",
      attempt: 1,
      onFailure: () => {},
    }),
    timers,
    windowMs: 5,
    maxChunks: 256,
    ...options,
  });
  return { replies, published, timers };
};

describe("createChunkBatcher", () => {
  it("holds chunks for the window from the first one, then sends them as one chunks reply", () => {
    const { replies, published, timers } = setup();
    replies.send("chunk", '{"i":0}');
    timers.advance(3);
    replies.send("chunk", '{"i":1}');
    replies.send("chunk", '{"i":2}');
    timers.advance(1);
    expect(published).toEqual([]);
    timers.advance(1);
    expect(published).toEqual(['0:chunks×3 [{"i":0},{"i":1},{"i":2}]']);
    replies.send("chunk", '{"i":3}');
    replies.send("chunk", '{"i":4}');
    timers.advance(5);
    expect(published.at(-1)).toBe('3:chunks×2 [{"i":3},{"i":4}]');
    expect(timers.pending()).toBe(0);
  });

  it("never holds a lone slow chunk past the window, and sends it as a plain chunk", () => {
    const { replies, published, timers } = setup();
    replies.send("chunk", '"a"');
    timers.advance(4);
    expect(published).toEqual([]);
    timers.advance(1);
    expect(published).toEqual(['0:chunk "a"']);
    timers.advance(20);
    replies.send("chunk", '"b"');
    timers.advance(5);
    expect(published).toEqual(['0:chunk "a"', '1:chunk "b"']);
  });

  it("sends a batch as soon as it holds maxChunks", () => {
    const { replies, published, timers } = setup({ maxChunks: 4 });
    for (let i = 0; i < 10; i += 1) replies.send("chunk", String(i));
    expect(published).toEqual(["0:chunks×4 [0,1,2,3]", "4:chunks×4 [4,5,6,7]"]);
    timers.advance(5);
    expect(published.at(-1)).toBe("8:chunks×2 [8,9]");
  });

  it("sends a batch before one more chunk would take its UTF-8 body past maxBytes", () => {
    // "€€€" is 5 UTF-16 units but 11 bytes of JSON: two of them would make a 25-byte body.
    const { replies, published, timers } = setup({ maxBytes: 21 });
    replies.send("chunk", '"€€€"');
    replies.send("chunk", '"€€€"');
    expect(published).toEqual(['0:chunk "€€€"']);
    timers.advance(5);
    expect(published).toEqual(['0:chunk "€€€"', '1:chunk "€€€"']);
    replies.send("chunk", '"ab"');
    replies.send("chunk", '"cd"');
    replies.send("chunk", '"ef"'); // a 16-byte body so far
    expect(published).toHaveLength(2);
    replies.send("chunk", '"gh"'); // 21 bytes: it fits exactly, and nothing fits after it
    expect(published.slice(2)).toEqual(['2:chunks×4 ["ab","cd","ef","gh"]']);
    // A chunk larger than a whole batch goes alone, at once.
    replies.send("chunk", `"${"x".repeat(30)}"`);
    expect(published.slice(3)).toEqual([`6:chunk "${"x".repeat(30)}"`]);
    expect(timers.pending()).toBe(0);
  });

  it("sends what it holds before a progress, a result and an error, keeping the order", async () => {
    const { replies, published, timers } = setup();
    replies.send("chunk", "1");
    replies.send("chunk", "2");
    replies.send("progress", '{"done":1}');
    replies.send("chunk", "3");
    await expect(replies.finish("result", "null")).resolves.toBe(true);
    expect(published).toEqual([
      "0:chunks×2 [1,2]",
      '2:progress {"done":1}',
      "3:chunk 3",
      "4:result null",
    ]);
    expect(timers.pending()).toBe(0);
    replies.send("chunk", "late");
    timers.advance(5);
    expect(published).toHaveLength(4);

    const failing = setup();
    failing.replies.send("chunk", "1");
    failing.replies.send("chunk", "2");
    await failing.replies.finish("error", '{"code":"WORKER_ERROR","message":"m"}');
    expect(failing.published).toEqual([
      "0:chunks×2 [1,2]",
      '2:error {"code":"WORKER_ERROR","message":"m"}',
    ]);
  });

  it("sends what it holds on flush (the handler stopped), and disarms the window", () => {
    const { replies, published, timers } = setup();
    replies.send("chunk", "1");
    replies.send("chunk", "2");
    replies.flush();
    expect(published).toEqual(["0:chunks×2 [1,2]"]);
    expect(timers.pending()).toBe(0);
    replies.flush();
    expect(published).toHaveLength(1);
  });
});
