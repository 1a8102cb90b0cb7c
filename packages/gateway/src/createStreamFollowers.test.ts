import type { DeliveredMessage } from "@taskbridge/broker";
import {
  createMemoryBroker,
  createMemoryServer,
  replyQueueName,
  replyStreamOptions,
} from "@taskbridge/broker";
import { silentLogger } from "@taskbridge/core/protocol";
import { createManualTimers } from "@taskbridge/core/testing";
import { ADOPTION_LOOKBACK_MS, createStreamFollowers } from "./createStreamFollowers.js";

// docs/protocol.md §14.3 step 2: every follower gets every message of its key, whichever
// reader of the owner's stream serves it. The clock is manual, so the stream's timestamps are.
const decoder = new TextDecoder();

const setup = async () => {
  const timers = createManualTimers(1_000_000_000_000);
  const server = createMemoryServer({ timers, logger: silentLogger });
  const broker = createMemoryBroker({ server, logger: silentLogger });
  await broker.assertQueue(replyQueueName("gw-a"), replyStreamOptions("1h"));
  const followers = createStreamFollowers({ broker, logger: silentLogger, prefetch: 100 });
  const reply = (key: string, body: string) =>
    broker.publish("", replyQueueName("gw-a"), body, { correlationId: key });
  /** Follows `key`; resolves with its bodies once everything written before was read. */
  const follow = (key: string, at: number) =>
    new Promise<string[]>((resolve, reject) => {
      const bodies: string[] = [];
      followers.follow("gw-a", key, at, {
        onReading: () => undefined,
        onMessage: (message: DeliveredMessage) => bodies.push(decoder.decode(message.body)),
        onCaughtUp: () => resolve(bodies),
        onMissing: () => reject(new Error("missing")),
      });
    });
  return { timers, broker, followers, reply, follow };
};

describe("createStreamFollowers", () => {
  it("gives a key every message when a reader that started after its first ones has passed it", async () => {
    const { timers, followers, reply, follow } = await setup();
    const atX = timers.now();
    await reply("x", "x0");
    timers.advance(ADOPTION_LOOKBACK_MS + 2000);
    const atY = timers.now();
    await reply("y", "y0");
    await reply("x", "x1");
    // Y's reader starts at atY − 5 s, after x0: it passes x1 only.
    expect(await follow("y", atY)).toEqual(["y0"]);
    expect(await follow("x", atX)).toEqual(["x0", "x1"]);
    await followers.close();
  });

  it("gives a key every message when it joins a running reader", async () => {
    const { timers, followers, reply, follow } = await setup();
    const atY = timers.now();
    await reply("y", "y0");
    timers.advance(1000);
    const atX = timers.now();
    await reply("x", "x0");
    await reply("x", "x1");
    expect(await follow("y", atY)).toEqual(["y0"]);
    expect(await follow("x", atX)).toEqual(["x0", "x1"]);
    await followers.close();
  });

  it("gives a key every message when only a reader opened at another key's offset has passed it", async () => {
    const { timers, followers, reply, follow } = await setup();
    const at = timers.now();
    await reply("z", "z0");
    await reply("y", "y0");
    await reply("x", "x0");
    await reply("z", "z1");
    expect(await follow("y", at)).toEqual(["y0"]);
    // Y's reader has passed x: x gets a reader of its own from x0, which passes z1 only.
    expect(await follow("x", at)).toEqual(["x0"]);
    followers.unfollow("y");
    expect(await follow("z", at)).toEqual(["z0", "z1"]);
    await followers.close();
  });
});
