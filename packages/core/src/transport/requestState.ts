import type { ErrorBody, Progress } from "../protocol/index.js";

/** What a user can see of a request. `streaming` means chunks or progress have arrived. */
export type RequestStatus = "idle" | "pending" | "streaming" | "success" | "error";

/** A request's state as the pure reducer `reduceRequestState` builds it from frames. */
export type RequestState<TChunk = unknown, TResult = unknown> = {
  readonly status: RequestStatus;
  /** The id of the request this state follows (undefined while idle). */
  readonly id: string | undefined;
  readonly data: TResult | undefined;
  readonly chunks: readonly TChunk[];
  readonly progress: Progress | undefined;
  readonly error: ErrorBody | undefined;
  /** 1 at first, one more at each `restart` frame. */
  readonly attempt: number;
  /** True once the request is known to be queued (`accepted`). */
  readonly accepted: boolean;
  /** The last `seq` applied; -1 before any frame. */
  readonly lastSeq: number;
  /** Epoch ms when the request was sent, and when it ended. */
  readonly startedAt: number | undefined;
  readonly finishedAt: number | undefined;
};
