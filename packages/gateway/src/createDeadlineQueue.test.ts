import { createManualTimers } from "@taskbridge/core/testing";
import { createDeadlineQueue } from "./createDeadlineQueue.js";

describe("createDeadlineQueue", () => {
  it("fires each deadline at its own time, with one timer for all of them", () => {
    const timers = createManualTimers();
    const deadlines = createDeadlineQueue(timers);
    const fired: string[] = [];
    deadlines.set("a", 100, () => fired.push(`a@${timers.now()}`));
    timers.advance(10);
    deadlines.set("b", 100, () => fired.push(`b@${timers.now()}`));
    deadlines.set("c", 50, () => fired.push(`c@${timers.now()}`));
    expect(timers.pending()).toBe(1);
    timers.advance(49);
    expect(fired).toEqual([]);
    timers.advance(1);
    expect(fired).toEqual(["c@60"]);
    timers.advance(40);
    expect(fired).toEqual(["c@60", "a@100"]);
    timers.advance(10);
    expect(fired).toEqual(["c@60", "a@100", "b@110"]);
    expect(timers.pending()).toBe(0);
  });

  it("forgets a cleared deadline, and stops its timer once none is left", () => {
    const timers = createManualTimers();
    const deadlines = createDeadlineQueue(timers);
    const fired: string[] = [];
    deadlines.set("a", 100, () => fired.push("a"));
    deadlines.set("b", 200, () => fired.push("b"));
    deadlines.clear("a");
    expect(timers.pending()).toBe(1);
    deadlines.clear("b");
    expect(timers.pending()).toBe(0);
    timers.advance(1000);
    expect(fired).toEqual([]);
  });

  it("replaces a key's deadline when it is set again, earlier or later", () => {
    const timers = createManualTimers();
    const deadlines = createDeadlineQueue(timers);
    const fired: string[] = [];
    deadlines.set("a", 100, () => fired.push(`first@${timers.now()}`));
    deadlines.set("a", 30, () => fired.push(`second@${timers.now()}`));
    timers.advance(30);
    expect(fired).toEqual(["second@30"]);
    deadlines.set("b", 10, () => fired.push(`b@${timers.now()}`));
    deadlines.set("b", 500, () => fired.push(`b@${timers.now()}`));
    timers.advance(1000);
    expect(fired).toEqual(["second@30", "b@530"]);
    expect(timers.pending()).toBe(0);
  });

  it("lets a firing deadline set and clear others", () => {
    const timers = createManualTimers();
    const deadlines = createDeadlineQueue(timers);
    const fired: string[] = [];
    deadlines.set("a", 10, () => {
      fired.push("a");
      deadlines.clear("b");
      deadlines.set("c", 5, () => fired.push(`c@${timers.now()}`));
    });
    deadlines.set("b", 10, () => fired.push("b"));
    timers.advance(10);
    expect(fired).toEqual(["a", "b"]); // b was due in the same run as a
    timers.advance(5);
    expect(fired).toEqual(["a", "b", "c@15"]);
    deadlines.close();
    expect(timers.pending()).toBe(0);
  });
});
