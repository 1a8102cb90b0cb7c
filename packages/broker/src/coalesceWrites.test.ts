import type { ChannelModel } from "amqplib";
import { coalesceWrites } from "./coalesceWrites.js";

// A stand-in for amqplib's connection: a multiplexer whose pass writes queued frames to `out`.
const fakeModel = (frames: string[]) => {
  const events: string[] = [];
  const out = {
    corked: 0,
    cork() {
      this.corked += 1;
      events.push("cork");
    },
    uncork() {
      this.corked -= 1;
      events.push("uncork");
    },
    write(frame: string) {
      events.push(this.corked > 0 ? `write ${frame} (corked)` : `write ${frame}`);
      return true;
    },
  };
  const muxer = {
    out,
    _readIncoming() {
      for (const frame of frames.splice(0)) out.write(frame);
    },
  };
  return { model: { connection: { muxer } } as unknown as ChannelModel, muxer, events };
};

describe("coalesceWrites", () => {
  it("writes every frame of one multiplexer pass while the socket is corked, in order", () => {
    const { model, muxer, events } = fakeModel(["publish 1", "publish 2", "ack 1"]);
    expect(coalesceWrites(model)).toBe(true);
    muxer._readIncoming();
    expect(events).toEqual([
      "cork",
      "write publish 1 (corked)",
      "write publish 2 (corked)",
      "write ack 1 (corked)",
      "uncork",
    ]);
  });

  it("uncorks even when a pass throws", () => {
    const { model, muxer, events } = fakeModel([]);
    muxer._readIncoming = () => {
      throw new Error("boom");
    };
    coalesceWrites(model);
    expect(() => muxer._readIncoming()).toThrow("boom");
    expect(events).toEqual(["cork", "uncork"]);
  });

  it("changes nothing where amqplib's internals are not as expected", () => {
    expect(coalesceWrites({} as ChannelModel)).toBe(false);
    expect(coalesceWrites({ connection: { muxer: { out: {} } } } as unknown as ChannelModel)).toBe(
      false,
    );
  });
});
