import { createListeners } from "../protocol/createListeners.js";
import {
  createError,
  createRequestId,
  type ErrorBody,
  isTerminalFrame,
  type Progress,
  type ReplyFrame,
} from "../protocol/index.js";
import { type OpenRequest, openRequest } from "./openRequest.js";
import {
  initialRequestState,
  reduceRequestState,
  startRequestState,
} from "./reduceRequestState.js";
import type { RequestState } from "./requestState.js";
import { scheduleFlushPerFrame } from "./scheduleFlushPerFrame.js";
import type { Transport } from "./transport.js";

export type RequestStoreOptions<TChunk, TResult> = {
  /** Default `timeoutMs` of each `send` (the server's default when absent). */
  timeoutMs?: number;
  /** Called for every chunk at once, before the (batched) state update. */
  onChunk?(chunk: TChunk): void;
  onProgress?(progress: Progress): void;
  /** Called when the worker restarted the request: the chunks so far were dropped. */
  onRestart?(attempt: number): void;
  onSuccess?(data: TResult): void;
  onError?(error: ErrorBody): void;
  /** The clock for `startedAt` / `finishedAt`; defaults to `Date.now`. */
  now?: () => number;
  /**
   * Runs `flush` a little later; every non-terminal frame that arrives before then is applied
   * in one reducer step and one notification. Defaults to `defaultScheduleFlush` (the next
   * animation frame in a browser, the next macrotask elsewhere); the terminal frame never waits.
   */
  scheduleFlush?: (flush: () => void) => void;
};

export type RequestStore<TPayload, TChunk, TResult> = {
  /** The current state; the same object until something changes (`useSyncExternalStore`-safe). */
  getState(): RequestState<TChunk, TResult>;
  /** Calls `listener` after each change of state; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
  /** Sends a request (cancelling the one in flight); rejects with the error body. */
  send(payload: TPayload, options?: { timeoutMs?: number; signal?: AbortSignal }): Promise<TResult>;
  /** Cancels the request in flight (it ends `CANCELLED`); no-op otherwise. */
  cancel(): void;
  /** Cancels the request in flight, quietly, and returns to the idle state. */
  reset(): void;
  /** Cancels the request in flight; no notifications or callbacks after this. */
  dispose(): void;
};

/**
 * Batches frames per animation frame in a browser (`scheduleFlushPerFrame`), per macrotask
 * elsewhere: a stream of socket messages costs one state update per drawn frame, and a burst
 * within one turn of the event loop one update in all.
 */
export const defaultScheduleFlush: (flush: () => void) => void = scheduleFlushPerFrame();

const reportCallbackError = (thrown: unknown): void => {
  console.error("taskbridge: a request callback threw", thrown);
};

/**
 * One request slot as an external store: the framework-free core that `useBackendRequest`
 * subscribes to. `send` starts a request (a new one cancels the one in flight), frames flow
 * through `reduceRequestState`, and subscribers hear of changes at most once per flush, so a
 * burst of 10,000 chunks costs a handful of renders, not 10,000. Callbacks (`onChunk` …) fire
 * per frame at once; the terminal frame is applied and notified at once, so when `send`'s
 * promise settles `getState()` already shows the outcome.
 *
 * @example
 * const store = createRequestStore<{ n: number }, { i: number }, { count: number }>(transport, "demo.count");
 * store.subscribe(() => console.log(store.getState().status));
 * const { count } = await store.send({ n: 3 });
 */
export function createRequestStore<TPayload, TChunk, TResult>(
  transport: Transport,
  type: string,
  options: RequestStoreOptions<TChunk, TResult> = {},
): RequestStore<TPayload, TChunk, TResult> {
  const now = options.now ?? Date.now;
  const scheduleFlush = options.scheduleFlush ?? defaultScheduleFlush;
  const listeners = createListeners<[]>();
  let state = initialRequestState as RequestState<TChunk, TResult>;
  let current: OpenRequest | undefined;
  let currentId: string | undefined;
  let pending: ReplyFrame<TChunk, TResult>[] = [];
  let flushScheduled = false;
  let disposed = false;

  const setState = (next: RequestState<TChunk, TResult>): void => {
    if (next === state) return;
    state = next;
    if (disposed) return;
    listeners.emit();
  };

  const flush = (): void => {
    flushScheduled = false;
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    setState(reduceRequestState(state, batch, now()));
  };

  const runCallbacks = (frame: ReplyFrame<TChunk, TResult>): void => {
    try {
      if (frame.kind === "chunk") options.onChunk?.(frame.data);
      else if (frame.kind === "progress") options.onProgress?.(frame.progress);
      else if (frame.kind === "restart") options.onRestart?.(frame.attempt);
      else if (frame.kind === "result") options.onSuccess?.(frame.data);
      else if (frame.kind === "error") options.onError?.(frame.error);
    } catch (thrown) {
      reportCallbackError(thrown);
    }
  };

  /** A frame of the request sent as `id`: `openRequest` hands each on once, in order. */
  const receive = (id: string, untyped: ReplyFrame): void => {
    // A request that was superseded or reset concerns nobody any more.
    if (disposed || id !== currentId) return;
    const frame = untyped as ReplyFrame<TChunk, TResult>;
    runCallbacks(frame);
    pending.push(frame);
    if (isTerminalFrame(frame)) {
      flush();
    } else if (!flushScheduled) {
      flushScheduled = true;
      scheduleFlush(flush);
    }
  };

  /** Detaches the request in flight and cancels it without touching the state. */
  const dropCurrent = (): void => {
    const previous = current;
    current = undefined;
    currentId = undefined;
    pending = [];
    previous?.cancel();
  };

  return {
    getState: () => state,
    subscribe: listeners.subscribe,
    send(payload, sendOptions = {}) {
      if (disposed) {
        return Promise.reject(createError("CANCELLED", "the request store was disposed"));
      }
      dropCurrent();
      const id = createRequestId();
      currentId = id;
      setState(startRequestState<TChunk, TResult>(id, now()));
      const timeoutMs = sendOptions.timeoutMs ?? options.timeoutMs;
      const request = openRequest(transport, {
        id,
        type,
        payload,
        ...(timeoutMs === undefined ? {} : { timeoutMs }),
        ...(sendOptions.signal === undefined ? {} : { signal: sendOptions.signal }),
        onFrame: (frame) => receive(id, frame),
      });
      if (currentId === id) current = request;
      const result = request.done.then((frame) =>
        frame.kind === "result" ? (frame.data as TResult) : Promise.reject(frame.error),
      );
      // A caller that fires and forgets (a superseded send rejects CANCELLED) must not cause an
      // unhandled rejection; a caller that awaits still sees the rejection.
      result.catch(() => {});
      return result;
    },
    cancel() {
      current?.cancel();
    },
    reset() {
      dropCurrent();
      setState(initialRequestState as RequestState<TChunk, TResult>);
    },
    dispose() {
      disposed = true;
      dropCurrent();
      listeners.clear();
    },
  };
}
