import type { Progress } from "../protocol/index.js";
import { openRequest } from "./openRequest.js";
import type { Transport } from "./transport.js";

export type BackendRequestOptions<TChunk> = {
  /** Called for each chunk, in order, as it arrives. */
  onChunk?: (chunk: TChunk) => void;
  onProgress?: (progress: Progress) => void;
  /** The worker restarted the request: the chunks seen so far are void, more will follow. */
  onRestart?: (attempt: number) => void;
  /** Aborting it cancels the request; the promise rejects with `CANCELLED`. */
  signal?: AbortSignal;
  /** How long the server waits for the result (its default when absent). */
  timeoutMs?: number;
  /** The request id; a fresh random one by default. */
  id?: string;
};

/**
 * Runs a backend task as if it were an async function: resolves with the `result` frame's data,
 * rejects with the plain error body of the `error` frame (`isErrorBody(e)` holds, `e.code` says
 * what happened). Chunks and progress reach the callbacks as they stream in. An
 * already-aborted `signal` rejects with `CANCELLED` without sending anything; aborting later
 * cancels through the transport and rejects at once.
 *
 * @example
 * const { count } = await makeBackendRequest<{ count: number }, { i: number }>(
 *   transport, "demo.count", { n: 3 }, { onChunk: ({ i }) => console.log(i), timeoutMs: 5000 });
 */
export const makeBackendRequest = async <TResult = unknown, TChunk = unknown>(
  transport: Transport,
  type: string,
  payload: unknown,
  options: BackendRequestOptions<TChunk> = {},
): Promise<TResult> => {
  const request = openRequest(transport, {
    type,
    payload,
    ...(options.id === undefined ? {} : { id: options.id }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    onFrame: (frame) => {
      if (frame.kind === "chunk") options.onChunk?.(frame.data as TChunk);
      else if (frame.kind === "progress") options.onProgress?.(frame.progress);
      else if (frame.kind === "restart") options.onRestart?.(frame.attempt);
    },
  });
  const terminal = await request.done;
  if (terminal.kind === "error") throw terminal.error;
  return terminal.data as TResult;
};
