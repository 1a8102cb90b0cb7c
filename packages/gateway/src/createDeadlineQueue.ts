import type { Timers } from "@taskbridge/core/protocol";

export type DeadlineQueue = {
  /** Calls `fire` `ms` from now, unless cleared first; replaces what `key` had. */
  readonly set: (key: string, ms: number, fire: () => void) => void;
  /** Forgets `key`'s deadline (nothing when it has none). */
  readonly clear: (key: string) => void;
  /** Forgets every deadline and stops the timer. */
  readonly close: () => void;
};

type Deadline = { readonly at: number; readonly fire: () => void };

/**
 * Deadlines by key, run by ONE timer at the earliest of them, instead of a timer per key: the
 * gateway's timeout of every request in flight (docs/protocol.md §2.6) costs a map entry, not a
 * host timer set and cleared per request. Keys are grouped by their delay, and a group's
 * deadlines come due in the order they were set (the clock only goes forward), so the earliest is
 * the first of some group and both `set` and `clear` take constant time. Each deadline fires at
 * its own time, as with its own timer; with none left the timer is stopped.
 *
 * @example
 * const deadlines = createDeadlineQueue(timers);
 * deadlines.set("anon:s1:r1", 600_000, () => timeOut(entry));
 * deadlines.clear("anon:s1:r1"); // it ended in time
 */
export const createDeadlineQueue = (
  timers: Pick<Timers, "now" | "setTimeout" | "clearTimeout">,
): DeadlineQueue => {
  /** delay → key → deadline, each group in the order its deadlines come due. */
  const groups = new Map<number, Map<string, Deadline>>();
  const groupOf = new Map<string, number>();
  let timer: unknown;
  let timerAt = Number.POSITIVE_INFINITY;

  const earliest = (): number => {
    let at = Number.POSITIVE_INFINITY;
    for (const group of groups.values()) {
      for (const deadline of group.values()) {
        if (deadline.at < at) at = deadline.at;
        break;
      }
    }
    return at;
  };

  const stop = (): void => {
    if (timer !== undefined) timers.clearTimeout(timer);
    timer = undefined;
    timerAt = Number.POSITIVE_INFINITY;
  };

  const armFor = (at: number): void => {
    stop();
    if (at === Number.POSITIVE_INFINITY) return;
    timerAt = at;
    timer = timers.setTimeout(run, Math.max(0, at - timers.now()));
  };

  const remove = (key: string): void => {
    const delay = groupOf.get(key);
    if (delay === undefined) return;
    groupOf.delete(key);
    const group = groups.get(delay);
    group?.delete(key);
    if (group?.size === 0) groups.delete(delay);
  };

  function run(): void {
    timer = undefined;
    timerAt = Number.POSITIVE_INFINITY;
    const now = timers.now();
    const due: (() => void)[] = [];
    for (const [delay, group] of groups) {
      for (const [key, deadline] of group) {
        if (deadline.at > now) break;
        group.delete(key);
        groupOf.delete(key);
        due.push(deadline.fire);
      }
      if (group.size === 0) groups.delete(delay);
    }
    armFor(earliest());
    for (const fire of due) fire();
  }

  return {
    set: (key, ms, fire) => {
      remove(key);
      const at = timers.now() + ms;
      let group = groups.get(ms);
      if (group === undefined) {
        group = new Map();
        groups.set(ms, group);
      }
      group.set(key, { at, fire });
      groupOf.set(key, ms);
      if (at < timerAt) armFor(at);
    },
    clear: (key) => {
      remove(key);
      if (groupOf.size === 0) stop();
    },
    close: () => {
      groups.clear();
      groupOf.clear();
      stop();
    },
  };
};
