/** A set of listeners and the two things done with them: subscribe (with its unsubscribe) and emit. */
export type Listeners<TArgs extends unknown[]> = {
  /** Adds `listener`; the returned function removes it (twice is harmless). */
  readonly subscribe: (listener: (...args: TArgs) => void) => () => void;
  /** Calls every listener subscribed now, in subscription order. */
  readonly emit: (...args: TArgs) => void;
  readonly size: () => number;
  readonly clear: () => void;
};

/**
 * The listener set behind every `subscribe…` of the transports, the request store and the
 * brokers. A listener that unsubscribes (or subscribes another) while being called does not
 * disturb the current emit: it walks a snapshot.
 *
 * @example
 * const changes = createListeners<[ConnectionState]>();
 * const off = changes.subscribe((state) => console.log(state));
 * changes.emit("connected");
 * off();
 */
export const createListeners = <TArgs extends unknown[]>(): Listeners<TArgs> => {
  const listeners = new Set<(...args: TArgs) => void>();
  return {
    subscribe: (listener) => {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    emit: (...args) => {
      for (const listener of [...listeners]) listener(...args);
    },
    size: () => listeners.size,
    clear: () => listeners.clear(),
  };
};
