import {
  FRAME_FALLBACK_MS,
  type FrameHost,
  scheduleFlushPerFrame,
} from "./scheduleFlushPerFrame.js";

/** A host whose frames and timers run only when the test says so. */
const createManualHost = (withFrames = true) => {
  let nextHandle = 1;
  const frames = new Map<unknown, () => void>();
  const timers = new Map<unknown, { callback: () => void; ms: number }>();
  const host: FrameHost = {
    ...(withFrames
      ? {
          requestAnimationFrame: (callback) => {
            const handle = nextHandle++;
            frames.set(handle, callback);
            return handle;
          },
          cancelAnimationFrame: (handle) => {
            frames.delete(handle);
          },
        }
      : {}),
    setTimeout: (callback, ms) => {
      const handle = nextHandle++;
      timers.set(handle, { callback, ms });
      return handle;
    },
    clearTimeout: (handle) => {
      timers.delete(handle);
    },
  };
  return {
    host,
    frames,
    timers,
    drawFrame: () => {
      const due = [...frames.values()];
      frames.clear();
      for (const callback of due) callback();
    },
    fireTimers: () => {
      const due = [...timers.values()];
      timers.clear();
      for (const { callback } of due) callback();
    },
  };
};

describe("scheduleFlushPerFrame", () => {
  it("runs the flush at the next animation frame, once, and drops its fallback timer", () => {
    const manual = createManualHost();
    const flush = jest.fn();
    scheduleFlushPerFrame(manual.host)(flush);
    expect(flush).not.toHaveBeenCalled();
    expect([...manual.timers.values()].map((timer) => timer.ms)).toEqual([FRAME_FALLBACK_MS]);
    manual.drawFrame();
    expect(flush).toHaveBeenCalledTimes(1);
    expect(manual.timers.size).toBe(0);
  });

  it("runs the flush on the fallback timer when no frame comes (a hidden tab), once", () => {
    const manual = createManualHost();
    const flush = jest.fn();
    scheduleFlushPerFrame(manual.host)(flush);
    manual.fireTimers();
    expect(flush).toHaveBeenCalledTimes(1);
    expect(manual.frames.size).toBe(0);
    manual.drawFrame();
    expect(flush).toHaveBeenCalledTimes(1);
  });

  it("uses a zero-delay timer where there are no animation frames", () => {
    const manual = createManualHost(false);
    const flush = jest.fn();
    scheduleFlushPerFrame(manual.host)(flush);
    expect([...manual.timers.values()].map((timer) => timer.ms)).toEqual([0]);
    manual.fireTimers();
    expect(flush).toHaveBeenCalledTimes(1);
  });
});
