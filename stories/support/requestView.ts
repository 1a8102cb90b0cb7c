import type { RequestStatus } from "@taskbridge/core";
import { createError, type ErrorBody, type Progress } from "@taskbridge/core/protocol";
import type { UseBackendRequestResult } from "@taskbridge/react";

/** What a frozen request shows: its status and whatever it has received so far. */
export type RequestViewPatch<TChunk, TResult> = {
  readonly status: RequestStatus;
  readonly data?: TResult;
  readonly chunks?: readonly TChunk[];
  readonly progress?: Progress;
  readonly error?: ErrorBody;
  readonly attempt?: number;
  /** Milliseconds since the request started (default 12 s); absent while idle. */
  readonly elapsedMs?: number;
};

const never = <T>(): Promise<T> => new Promise<T>(() => {});

/**
 * A request frozen in one state, shaped like `useBackendRequest`'s result, to feed a
 * component's `request` prop: how a story shows `pending`, `streaming` or `error` exactly, with
 * no transport and no timing. Its actions do nothing (`sendAsync` never settles). `startedAt`
 * is computed from `Date.now()` at call time, so call it inside `render`, not at module scope.
 *
 * @example
 * <ProgressPanel request={requestView({ status: "streaming", progress: { done: 3, total: 10 } })} />
 */
export const requestView = <TChunk = unknown, TResult = unknown>(
  patch: RequestViewPatch<TChunk, TResult>,
): UseBackendRequestResult<unknown, TChunk, TResult> => {
  const { status } = patch;
  const now = Date.now();
  const idle = status === "idle";
  const finished = status === "success" || status === "error";
  const startedAt = idle ? undefined : now - (patch.elapsedMs ?? 12_000);
  return {
    status,
    id: idle ? undefined : "storyRequest01",
    data: patch.data,
    chunks: patch.chunks ?? [],
    progress: patch.progress,
    error:
      status === "error"
        ? (patch.error ?? createError("WORKER_ERROR", "something went wrong"))
        : undefined,
    attempt: patch.attempt ?? 1,
    accepted: !idle,
    startedAt,
    finishedAt: finished ? now : undefined,
    isIdle: idle,
    isPending: status === "pending",
    isStreaming: status === "streaming",
    isSuccess: status === "success",
    isError: status === "error",
    cancel: () => {},
    reset: () => {},
    send: () => {},
    sendAsync: never,
  };
};

/** `count` log lines `line 1` … `line count`, for frozen streams. */
export const sampleLines = (count: number, prefix = "line"): string[] =>
  Array.from({ length: count }, (_, i) => `${prefix} ${i + 1}`);
