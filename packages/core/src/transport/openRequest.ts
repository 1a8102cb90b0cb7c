import {
  cancelledError,
  createRequestId,
  isTerminalFrame,
  type ReplyFrame,
  toErrorBody,
} from "../protocol/index.js";
import { placeFrame } from "./placeFrame.js";
import type { Transport } from "./transport.js";

/** What `openRequest` needs: the request, and where its frames go. */
export type OpenRequestOptions = {
  readonly type: string;
  readonly payload: unknown;
  readonly timeoutMs?: number;
  /** Defaults to a fresh `createRequestId()`. */
  readonly id?: string;
  /** Aborting it cancels the request (it ends `CANCELLED` at once). */
  readonly signal?: AbortSignal;
  /** Every new frame of the request, in order, each once; the terminal one last. */
  readonly onFrame: (frame: ReplyFrame) => void;
};

/** A request in flight: its id, a way to cancel it, and its outcome. */
export type OpenRequest = {
  readonly id: string;
  /** Ends the request `CANCELLED` at once (and tells the transport); no-op once it ended. */
  readonly cancel: () => void;
  /** True once the terminal frame was handed on. */
  readonly isFinished: () => boolean;
  /** Resolves with the terminal frame: the request's `result` or `error`. */
  readonly done: Promise<Extract<ReplyFrame, { kind: "result" | "error" }>>;
};

/**
 * Sends one request through `transport` and guards what comes back, so everything built on it
 * (`makeBackendRequest`, `createRequestStore`) gets each frame once, in `seq` order, and exactly
 * one terminal frame, even from a transport that repeats frames after a reconnect. A cancel ends
 * the request on the client's side at once, with a local `CANCELLED` frame, rather than waiting
 * for the server's answer (which is then ignored). An already-aborted signal ends it before
 * anything is sent.
 */
export const openRequest = (transport: Transport, options: OpenRequestOptions): OpenRequest => {
  const id = options.id ?? createRequestId();
  const { signal } = options;
  let lastSeq = -1;
  let finished = false;
  let sent = false;
  let settle: (frame: Extract<ReplyFrame, { kind: "result" | "error" }>) => void = () => {};
  const done = new Promise<Extract<ReplyFrame, { kind: "result" | "error" }>>((resolve) => {
    settle = resolve;
  });

  const onAbort = (): void => cancel();

  const accept = (frame: ReplyFrame): void => {
    if (placeFrame({ id, lastSeq, finished }, frame) === "stale") return;
    lastSeq = frame.seq;
    if (isTerminalFrame(frame)) {
      finished = true;
      signal?.removeEventListener("abort", onAbort);
    }
    try {
      options.onFrame(frame);
    } finally {
      if (finished) settle(frame as Extract<ReplyFrame, { kind: "result" | "error" }>);
    }
  };

  function cancel(): void {
    if (finished) return;
    if (sent) transport.cancel(id);
    accept({ id, seq: lastSeq + 1, kind: "error", error: cancelledError() });
  }

  if (signal?.aborted) {
    accept({ id, seq: 0, kind: "error", error: cancelledError() });
  } else {
    signal?.addEventListener("abort", onAbort, { once: true });
    sent = true;
    try {
      transport.send(
        {
          id,
          type: options.type,
          payload: options.payload,
          ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
        },
        accept,
      );
    } catch (thrown) {
      // A transport that refuses synchronously still ends the request with one terminal frame.
      sent = false;
      accept({ id, seq: lastSeq + 1, kind: "error", error: toErrorBody(thrown, "INTERNAL") });
    }
  }

  return { id, cancel, isFinished: () => finished, done };
};
