import { backgroundTimers, type Timers } from "@taskbridge/core/protocol";
export type OrphanHolderOptions = {
  /** How long after start frames of unknown keys are held (docs/protocol.md §2: 60 s). */
  readonly windowMs: number;
  /** How long each key's frames are held from its first frame (60 s). */
  readonly holdMs: number;
  readonly timers?: Timers;
};

export type OrphanHolder = {
  /** True during the first `windowMs` after start: unknown keys may still be resumed. */
  readonly isOpen: () => boolean;
  /** Holds a replay of one frame for `key` while the window is open; false when it was dropped. */
  readonly hold: (key: string, replay: () => void) => boolean;
  /** Takes (and forgets) what is held for `key`, oldest first. */
  readonly take: (key: string) => (() => void)[];
  /** Calls `listener` once when the window closes. */
  readonly onClose: (listener: () => void) => void;
  readonly close: () => void;
};

/**
 * What lets a restarted gateway re-attach its predecessor's requests (docs/protocol.md §2 "Gateway
 * restarts"): in the process's first `windowMs` it keeps frames whose request key it does not
 * know, each key's for `holdMs` from its first frame, until a `resume` claims them. After the
 * window it holds nothing, and everything still held is forgotten once the last hold expires.
 */
export const createOrphanHolder = ({
  windowMs,
  holdMs,
  timers = backgroundTimers,
}: OrphanHolderOptions): OrphanHolder => {
  const startedAt = timers.now();
  const held = new Map<string, { firstAt: number; replays: (() => void)[] }>();
  const listeners: (() => void)[] = [];
  let open = windowMs > 0;
  const windowTimer = timers.setTimeout(() => {
    open = false;
    for (const listener of listeners.splice(0)) listener();
  }, windowMs);
  const clearTimer = timers.setTimeout(() => held.clear(), windowMs + holdMs);

  const isOpen = (): boolean => open && timers.now() - startedAt < windowMs;

  const hold = (key: string, replay: () => void): boolean => {
    if (!isOpen()) return false;
    const entry = held.get(key);
    if (entry === undefined) held.set(key, { firstAt: timers.now(), replays: [replay] });
    else entry.replays.push(replay);
    return true;
  };

  const take = (key: string): (() => void)[] => {
    const entry = held.get(key);
    if (entry === undefined) return [];
    held.delete(key);
    return timers.now() - entry.firstAt >= holdMs ? [] : entry.replays;
  };

  const onClose = (listener: () => void): void => {
    if (open) listeners.push(listener);
    else listener();
  };

  const close = (): void => {
    timers.clearTimeout(windowTimer);
    timers.clearTimeout(clearTimer);
    held.clear();
    listeners.length = 0;
    open = false;
  };

  return { isOpen, hold, take, onClose, close };
};
