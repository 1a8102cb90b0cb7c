import type { RequestState, RequestStatus, Transport } from "@taskbridge/core";
import { createRequestStore, type RequestStore } from "@taskbridge/core";
import type { ErrorBody, Progress } from "@taskbridge/core/protocol";
import {
  type RefObject,
  useEffect,
  useInsertionEffect,
  useMemo,
  useRef,
  useSyncExternalStore,
} from "react";
import { useTransport } from "./useTransport.js";

export type UseBackendRequestOptions<TChunk = unknown, TResult = unknown> = {
  /** Use this transport instead of the `BackendProvider`'s. */
  readonly transport?: Transport;
  /** How long to wait for the terminal frame; the transport's default when absent. */
  readonly timeoutMs?: number;
  /** The clock behind `startedAt`/`finishedAt`; inject one in tests. Default `Date.now`. */
  readonly now?: () => number;
  readonly onChunk?: (chunk: TChunk) => void;
  readonly onProgress?: (progress: Progress) => void;
  /** The worker restarted the request (attempt 2, 3 …); the chunks so far were dropped. */
  readonly onRestart?: (attempt: number) => void;
  readonly onSuccess?: (data: TResult) => void;
  readonly onError?: (error: ErrorBody) => void;
};

export type SendOptions = { readonly timeoutMs?: number; readonly signal?: AbortSignal };

/**
 * What a component needs to show a request and stop it: the state, its flags and the two
 * payload-free actions. Display components (`StreamingLog`, `ProgressPanel`) accept this, so a
 * request of any payload type can feed them.
 */
export type BackendRequestView<TChunk = unknown, TResult = unknown> = {
  readonly status: RequestStatus;
  readonly id: string | undefined;
  readonly data: TResult | undefined;
  readonly chunks: readonly TChunk[];
  readonly progress: Progress | undefined;
  readonly error: ErrorBody | undefined;
  readonly attempt: number;
  readonly accepted: boolean;
  readonly startedAt: number | undefined;
  readonly finishedAt: number | undefined;
  readonly isIdle: boolean;
  readonly isPending: boolean;
  readonly isStreaming: boolean;
  readonly isSuccess: boolean;
  readonly isError: boolean;
  /** Stops the request in flight: it ends with `error` `CANCELLED`. */
  readonly cancel: () => void;
  /** Back to `idle`, cancelling any request in flight. */
  readonly reset: () => void;
};

export type UseBackendRequestResult<
  TPayload = unknown,
  TChunk = unknown,
  TResult = unknown,
> = BackendRequestView<TChunk, TResult> & {
  /** Starts the request (a new send cancels the one in flight); failures show in `error`. */
  readonly send: (payload: TPayload, options?: SendOptions) => void;
  /** Like `send`, and returns the result; rejects with the error body. */
  readonly sendAsync: (payload: TPayload, options?: SendOptions) => Promise<TResult>;
};

type Binding<TPayload, TChunk, TResult> = {
  readonly store: RequestStore<TPayload, TChunk, TResult>;
  readonly actions: Pick<
    UseBackendRequestResult<TPayload, TChunk, TResult>,
    "send" | "sendAsync" | "cancel" | "reset"
  >;
  /** Cancels what is in flight, detaches the callbacks and disposes the store. */
  readonly release: () => void;
};

const ignore = (): void => {};

const bind = <TPayload, TChunk, TResult>(
  transport: Transport,
  type: string,
  latest: RefObject<UseBackendRequestOptions<TChunk, TResult>>,
): Binding<TPayload, TChunk, TResult> => {
  // Callbacks read the latest options, so inline arrow props never restart the store; after
  // release they stay silent, so nothing of an unmounted component runs.
  let live = true;
  const store = createRequestStore<TPayload, TChunk, TResult>(transport, type, {
    now: () => (latest.current.now ?? Date.now)(),
    onChunk: (chunk) => live && latest.current.onChunk?.(chunk),
    onProgress: (progress) => live && latest.current.onProgress?.(progress),
    onRestart: (attempt) => live && latest.current.onRestart?.(attempt),
    onSuccess: (data) => live && latest.current.onSuccess?.(data),
    onError: (error) => live && latest.current.onError?.(error),
  });
  const sendAsync = (payload: TPayload, options?: SendOptions): Promise<TResult> =>
    store.send(payload, {
      timeoutMs: options?.timeoutMs ?? latest.current.timeoutMs,
      signal: options?.signal,
    });
  return {
    store,
    actions: {
      sendAsync,
      send: (payload, options) => {
        sendAsync(payload, options).catch(ignore);
      },
      cancel: () => store.cancel(),
      reset: () => store.reset(),
    },
    release: () => {
      if (!live) return;
      live = false;
      store.cancel();
      store.dispose();
    },
  };
};

const toResult = <TPayload, TChunk, TResult>(
  state: RequestState<TChunk, TResult>,
  actions: Binding<TPayload, TChunk, TResult>["actions"],
): UseBackendRequestResult<TPayload, TChunk, TResult> => ({
  ...actions,
  status: state.status,
  id: state.id,
  data: state.data,
  chunks: state.chunks,
  progress: state.progress,
  error: state.error,
  attempt: state.attempt,
  accepted: state.accepted,
  startedAt: state.startedAt,
  finishedAt: state.finishedAt,
  isIdle: state.status === "idle",
  isPending: state.status === "pending",
  isStreaming: state.status === "streaming",
  isSuccess: state.status === "success",
  isError: state.status === "error",
});

/**
 * Runs requests of one `type` from a component: a thin `useSyncExternalStore` adapter over the
 * core's `createRequestStore`, which holds all the logic (frames, batching of chunk bursts,
 * cancel, timeout). The component re-renders once per flushed batch of frames, not per chunk.
 * The request is cancelled when the component unmounts; the cancel is deferred by a microtask
 * so that StrictMode's simulated unmount/remount keeps a live request alive.
 *
 * @example
 * const report = useBackendRequest<{ month: string }, string, { url: string }>("report.generate");
 * <button onClick={() => report.send({ month: "2026-10" })} disabled={report.isPending}>Run</button>
 * {report.isError && <p role="alert">{report.error?.message}</p>}
 */
export function useBackendRequest<TPayload = unknown, TChunk = unknown, TResult = unknown>(
  type: string,
  options: UseBackendRequestOptions<TChunk, TResult> = {},
): UseBackendRequestResult<TPayload, TChunk, TResult> {
  const transport = useTransport(options.transport);
  const latest = useRef(options);
  // Before any layout effect or event handler of this commit can call `send`; no SSR warning.
  useInsertionEffect(() => {
    latest.current = options;
  });

  const binding = useMemo(
    () => bind<TPayload, TChunk, TResult>(transport, type, latest),
    [transport, type],
  );

  // Which binding is mounted right now. StrictMode runs cleanup then setup again synchronously,
  // so by the time the microtask runs the same binding is mounted again and survives.
  const mounted = useRef<Binding<TPayload, TChunk, TResult> | null>(null);
  useEffect(() => {
    mounted.current = binding;
    return () => {
      mounted.current = null;
      queueMicrotask(() => {
        if (mounted.current !== binding) binding.release();
      });
    };
  }, [binding]);

  const state = useSyncExternalStore(
    binding.store.subscribe,
    binding.store.getState,
    binding.store.getState,
  );
  return useMemo(() => toResult(state, binding.actions), [state, binding]);
}
