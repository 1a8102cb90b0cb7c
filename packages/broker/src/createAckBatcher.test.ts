import { createAckBatcher } from "./createAckBatcher.js";

// RabbitMQ's unacked set of one channel, as rabbit_channel treats acks and nacks: the tag given
// must be unacked (else the channel closes: "unknown delivery tag"), and a multiple ack settles
// every unacked tag up to it.
const rabbitChannel = () => {
  const unacked = new Set<number>();
  const outcome = new Map<number, string>();
  const writes: string[] = [];
  const settle = (tag: number, what: string) => {
    unacked.delete(tag);
    outcome.set(tag, what);
  };
  const writer = {
    ack: (tag: number, multiple: boolean) => {
      writes.push(multiple ? `ack ≤${tag}` : `ack ${tag}`);
      if (!unacked.has(tag)) throw new Error(`PRECONDITION_FAILED - unknown delivery tag ${tag}`);
      if (!multiple) return settle(tag, "ack");
      for (const t of [...unacked]) if (t <= tag) settle(t, "ack");
    },
    nack: (tag: number, requeue: boolean) => {
      writes.push(`nack ${tag}`);
      if (!unacked.has(tag)) throw new Error(`PRECONDITION_FAILED - unknown delivery tag ${tag}`);
      settle(tag, requeue ? "requeue" : "drop");
    },
  };
  return { unacked, outcome, writes, writer };
};

const manualSchedule = () => {
  const queued: (() => void)[] = [];
  return {
    schedule: (run: () => void) => queued.push(run),
    endTurn: () => {
      for (const run of queued.splice(0)) run();
    },
  };
};

// A small deterministic PRNG, so a failing order can be replayed from its seed.
const random = (seed: number) => () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
};

describe("createAckBatcher", () => {
  it("acks a run of settled deliveries from the oldest with one multiple ack, at the end of the turn", () => {
    const rabbit = rabbitChannel();
    const turn = manualSchedule();
    const acks = createAckBatcher(rabbit.writer, turn.schedule);
    for (const tag of [1, 2, 3, 4]) {
      rabbit.unacked.add(tag);
      acks.delivered(tag);
    }
    acks.settle(3, "ack");
    acks.settle(1, "ack");
    acks.settle(2, "ack");
    expect(rabbit.writes).toEqual([]);
    turn.endTurn();
    expect(rabbit.writes).toEqual(["ack ≤3"]);
    expect([...rabbit.unacked]).toEqual([4]);
  });

  it("never lets a multiple ack cover a delivery still running: later acks go one by one", () => {
    const rabbit = rabbitChannel();
    const turn = manualSchedule();
    const acks = createAckBatcher(rabbit.writer, turn.schedule);
    for (const tag of [1, 2, 3, 4]) {
      rabbit.unacked.add(tag);
      acks.delivered(tag);
    }
    acks.settle(1, "ack");
    acks.settle(3, "ack");
    acks.settle(4, "ack");
    turn.endTurn();
    expect(rabbit.writes).toEqual(["ack 1", "ack 3", "ack 4"]);
    expect([...rabbit.unacked]).toEqual([2]);
  });

  it("writes nacks first, so that a multiple ack may pass a nacked tag", () => {
    const rabbit = rabbitChannel();
    const turn = manualSchedule();
    const acks = createAckBatcher(rabbit.writer, turn.schedule);
    for (const tag of [1, 2, 3]) {
      rabbit.unacked.add(tag);
      acks.delivered(tag);
    }
    acks.settle(1, "ack");
    acks.settle(2, { requeue: true });
    acks.settle(3, "ack");
    turn.endTurn();
    expect(rabbit.writes).toEqual(["nack 2", "ack ≤3"]);
    expect(rabbit.outcome.get(2)).toBe("requeue");
  });

  it("settles only once, writes at once on flush, and forgets everything on reset", () => {
    const rabbit = rabbitChannel();
    const turn = manualSchedule();
    const acks = createAckBatcher(rabbit.writer, turn.schedule);
    for (const tag of [1, 2]) {
      rabbit.unacked.add(tag);
      acks.delivered(tag);
    }
    acks.settle(1, "ack");
    acks.settle(1, { requeue: true });
    acks.flush();
    expect(rabbit.writes).toEqual(["ack 1"]);
    turn.endTurn();
    expect(rabbit.writes).toEqual(["ack 1"]);
    acks.reset();
    acks.settle(2, "ack");
    turn.endTurn();
    expect(rabbit.writes).toEqual(["ack 1"]);
  });

  it("settles every delivery as asked, in random orders and turns, without an unknown tag", () => {
    for (let seed = 1; seed <= 300; seed += 1) {
      const next = random(seed);
      const rabbit = rabbitChannel();
      const turn = manualSchedule();
      const acks = createAckBatcher(rabbit.writer, turn.schedule);
      const wanted = new Map<number, string>();
      const open: number[] = [];
      let tag = 0;
      for (let step = 0; step < 60; step += 1) {
        const roll = next();
        if (roll < 0.4 || open.length === 0) {
          tag += 1;
          rabbit.unacked.add(tag);
          acks.delivered(tag);
          open.push(tag);
        } else if (roll < 0.85) {
          const [settled] = open.splice(Math.floor(next() * open.length), 1) as [number];
          const kind = next();
          const what = kind < 0.8 ? "ack" : kind < 0.9 ? "requeue" : "drop";
          wanted.set(settled, what);
          acks.settle(settled, what === "ack" ? "ack" : { requeue: what === "requeue" });
        } else turn.endTurn();
      }
      turn.endTurn();
      expect({ seed, outcome: Object.fromEntries(rabbit.outcome) }).toEqual({
        seed,
        outcome: Object.fromEntries(wanted),
      });
      expect([...rabbit.unacked].sort((a, b) => a - b)).toEqual(open.sort((a, b) => a - b));
    }
  });
});
