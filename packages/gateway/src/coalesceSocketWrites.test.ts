import { coalesceSocketWrites } from "./coalesceSocketWrites.js";

// A stand-in for an engine.io socket: `flush` writes the queued packets to the transport's
// WebSocket, whose writes are recorded with whether they happened corked.
const fakeEngineSocket = (ws: object, transportName = "websocket") => {
  const events: string[] = [];
  const socket = {
    writeBuffer: [] as string[],
    transport: { name: transportName, socket: ws },
    flush() {
      for (const packet of socket.writeBuffer.splice(0)) events.push(packet);
    },
    send(packet: string) {
      socket.writeBuffer.push(packet);
      socket.flush();
    },
  };
  return { socket, events };
};

// A manual `setImmediate`: the test says when the turn ends.
const manualSchedule = () => {
  const queued: (() => void)[] = [];
  return {
    schedule: (run: () => void) => queued.push(run),
    endTurn: () => {
      for (const run of queued.splice(0)) run();
    },
    pending: () => queued.length,
  };
};

describe("coalesceSocketWrites", () => {
  it("sends every frame of a turn in one corked write of Bun's native WebSocket, in order", () => {
    const log: string[] = [];
    const native = {
      cork(write: () => void) {
        log.push("cork");
        write();
        log.push("uncork");
      },
    };
    const { socket, events } = fakeEngineSocket({ [Symbol("kNative")]: native });
    const turn = manualSchedule();
    expect(coalesceSocketWrites(socket, turn.schedule)).toBe(true);

    socket.send("accepted r1");
    socket.send("result r2");
    socket.send("accepted r3");
    expect(events).toEqual([]);
    expect(turn.pending()).toBe(1);

    turn.endTurn();
    expect(events).toEqual(["accepted r1", "result r2", "accepted r3"]);
    expect(log).toEqual(["cork", "uncork"]);
  });

  it("corks the net.Socket under Node's ws for the turn's write", () => {
    const log: string[] = [];
    const netSocket = { cork: () => log.push("cork"), uncork: () => log.push("uncork") };
    const { socket, events } = fakeEngineSocket({ _socket: netSocket });
    const turn = manualSchedule();
    coalesceSocketWrites(socket, turn.schedule);

    socket.send("a");
    socket.send("b");
    turn.endTurn();
    expect(log).toEqual(["cork", "uncork"]);
    expect(events).toEqual(["a", "b"]);
  });

  it("schedules nothing when nothing is queued, and flushes a later turn again", () => {
    const { socket, events } = fakeEngineSocket({});
    const turn = manualSchedule();
    coalesceSocketWrites(socket, turn.schedule);

    socket.flush(); // what engine.io does when a write completed
    expect(turn.pending()).toBe(0);
    socket.send("first");
    turn.endTurn();
    socket.send("second");
    turn.endTurn();
    expect(events).toEqual(["first", "second"]);
  });

  it("defers writes without corking on a transport other than websocket", () => {
    const { socket, events } = fakeEngineSocket({}, "polling");
    const turn = manualSchedule();
    coalesceSocketWrites(socket, turn.schedule);

    socket.send("over polling");
    turn.endTurn();
    expect(events).toEqual(["over polling"]);
  });

  it("changes nothing where there is no flush to defer", () => {
    expect(coalesceSocketWrites(undefined)).toBe(false);
    expect(coalesceSocketWrites({ transport: {} })).toBe(false);
  });
});
