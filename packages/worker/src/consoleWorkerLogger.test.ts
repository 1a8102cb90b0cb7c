import { formatWorkerLog } from "./consoleWorkerLogger.js";

describe("formatWorkerLog", () => {
  it("writes the message and its fields as JSON on one line", () => {
    expect(
      formatWorkerLog("a handler answered with an error", {
        type: "demo.fail",
        id: "r1",
        code: "WORKER_ERROR",
        message: "boom",
      }),
    ).toBe(
      '[worker] a handler answered with an error {"type":"demo.fail","id":"r1","code":"WORKER_ERROR","message":"boom"}',
    );
    expect(formatWorkerLog("closing")).toBe("[worker] closing");
  });

  it("puts a stack on the lines below, not inside the JSON", () => {
    const stack = "Error: it broke\n    at handler (file.ts:1:1)";
    expect(formatWorkerLog("a handler failed", { type: "t.fail", id: "r2", stack })).toBe(
      `[worker] a handler failed {"type":"t.fail","id":"r2"}\n${stack}`,
    );
  });

  it("survives fields JSON cannot write", () => {
    const circular: Record<string, unknown> = { type: "t" };
    circular.self = circular;
    expect(formatWorkerLog("odd", circular)).toMatch(/^\[worker\] odd .*type: 't'.*\[Circular/);
  });
});
