import type { Socket } from "socket.io-client";
import { createListeners } from "../protocol/createListeners.js";
import { EVENTS } from "../protocol/index.js";
import type { Timers } from "../protocol/timers.js";

export type SocketIoCancelOutbox = ReturnType<typeof createSocketIoCancelOutbox>;

/**
 * The `cancel` events the Socket.IO transport owes the gateway. A request ends locally the
 * moment it is cancelled, but the gateway must still hear of it so that the work stops: a
 * cancel made while offline is sent on the next connect, and one sent but not yet answered
 * (the gateway answers with a terminal frame for the id) is sent again if the connection drops
 * first. `settled` lets `close()` wait for those answers: a Socket.IO server drops events that
 * arrive in the same breath as the client's disconnect packet, so disconnecting right after
 * emitting would lose the cancels.
 */
export const createSocketIoCancelOutbox = (
  socket: Socket,
  timers: Pick<Timers, "setTimeout" | "clearTimeout">,
) => {
  /** Owed, to be sent on the next connect. */
  const queued = new Set<string>();
  /** Sent on this connection, no terminal frame for the id seen yet. */
  const unconfirmed = new Set<string>();
  const watchers = createListeners<[]>();

  const settle = () => {
    if (unconfirmed.size > 0) return;
    watchers.emit();
  };

  return {
    /** Sends `cancel` now when connected, else on the next connect. */
    cancel: (id: string) => {
      if (socket.connected) {
        socket.emit(EVENTS.cancel, { id });
        unconfirmed.add(id);
      } else queued.add(id);
    },
    /** Sends what was owed (once; the gateway ignores a cancel of a finished id). */
    onConnect: () => {
      for (const id of queued) socket.emit(EVENTS.cancel, { id });
      queued.clear();
    },
    /** Cancels the gateway may not have processed are owed again. */
    onDisconnect: () => {
      for (const id of unconfirmed) queued.add(id);
      unconfirmed.clear();
      settle();
    },
    /** A terminal frame for `id` arrived: the gateway is done with it. */
    confirm: (id: string) => {
      if (unconfirmed.delete(id)) settle();
    },
    /** Resolves once every sent cancel is answered, or after `timeoutMs`. */
    settled: (timeoutMs: number): Promise<void> =>
      new Promise((resolve) => {
        const done = () => {
          unwatch();
          timers.clearTimeout(timer);
          resolve();
        };
        const timer = timers.setTimeout(done, timeoutMs);
        const unwatch = watchers.subscribe(done);
        settle();
      }),
    clear: () => {
      queued.clear();
      unconfirmed.clear();
      settle();
    },
  };
};
