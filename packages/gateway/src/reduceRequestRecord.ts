import type { ErrorBody, ReplyFrame } from "@taskbridge/core/protocol";
import type { Publication } from "./preparePublication.js";
import type { SocketProtocol } from "./socketProtocol.js";

/**
 * Where a request's frames go: a Socket.IO socket, or anything with the same `emit`. `data.protocol`
 * is what its handshake negotiated (`speaksV11`); without it, version 1.
 */
export type FrameSocket = {
  readonly emit: (event: string, body: unknown) => unknown;
  readonly data?: { readonly protocol?: SocketProtocol };
};

/**
 * Where a request is in its life at the gateway:
 * - `received`: registered, its plugins may still be deciding, nothing published;
 * - `published`: handed to the broker (or re-attached, and a reply for it has come since);
 * - `reattached`: taken over by a `resume` — from a predecessor with the same id (§2.8) or adopted
 *   from another gateway's reply stream (§14.3) — with nothing found for it yet;
 * - `ended`: its terminal frame went out; it is held for `resume` until forgotten.
 */
export type RequestStage = "received" | "published" | "reattached" | "ended";

/** What the gateway knows about one request, beyond its frames. Changed only by `reduceRequestRecord`. */
export type RequestRecord = {
  readonly stage: RequestStage;
  /** The socket that last sent `request` or `resume` for it, while connected. */
  readonly owner: FrameSocket | undefined;
  /** The `x-deadline` it was published with; undefined while nothing was published. */
  readonly deadline: number | undefined;
  /** The matching plugins' reply hooks, chained (set when published). */
  readonly onReply: Publication["onReply"];
};

/**
 * What happens to a request. The other gateway modules send these to the request lifecycle
 * (`createRequestLifecycle`), which reduces the record with them and acts on them.
 */
export type RequestRecordEvent =
  /** Its plugins are deciding, asynchronously: the gateway timer runs meanwhile. */
  | { readonly type: "preparing"; readonly timeoutMs: number }
  /** Handed to the broker, as `publication` says. */
  | { readonly type: "published"; readonly publication: Publication }
  /** The broker confirmed it (or a built-in took it): `accepted` is due. */
  | { readonly type: "accepted" }
  /**
   * A reply for it: a worker's (`x-kind`, `x-seq`, `x-attempt`, decoded body; for `chunks` the
   * body is an array already checked against `x-count`) or a built-in's.
   */
  | {
      readonly type: "replied";
      readonly kind: unknown;
      readonly seq: number;
      readonly attempt: number;
      readonly body: unknown;
    }
  /** It ends with this error (a refusal, a failed publish, a dead letter, …); no cancel is sent. */
  | { readonly type: "failed"; readonly error: ErrorBody }
  /** The client cancelled it from `socket`. */
  | { readonly type: "cancelled"; readonly socket: FrameSocket }
  /** The gateway timer of `timeoutMs` fired. */
  | { readonly type: "timedOut"; readonly timeoutMs: number }
  /** `socket` resumed it after the frame `after`. */
  | { readonly type: "resumed"; readonly socket: FrameSocket; readonly after: number }
  /** `socket` disconnected. */
  | { readonly type: "released"; readonly socket: FrameSocket }
  /** The restarted gateway's orphan window closed (docs/protocol.md §2.8). */
  | { readonly type: "orphanWindowClosed" }
  /**
   * An adopted request's record was read from its owner's reply stream (docs/protocol.md
   * §14.3): the request exists, `accepted` is due, and it was published with this `x-deadline`.
   */
  | { readonly type: "found"; readonly deadline: number | undefined }
  /** The adopting gateway read its owner's stream up to the `resume`: unknown unless found. */
  | { readonly type: "searched" }
  /** Another gateway adopted it (a claim, docs/protocol.md §14.3): forgotten at once, silently. */
  | { readonly type: "claimed" }
  /** Its terminal frame went out (the lifecycle's own event, from the frames it numbers). */
  | { readonly type: "ended"; readonly frame: ReplyFrame };

/** The record of a request just received from `owner`. */
export const receivedRecord = (owner: FrameSocket): RequestRecord => ({
  stage: "received",
  owner,
  deadline: undefined,
  onReply: undefined,
});

/** The record of a predecessor's request re-attached by `owner`'s `resume`, waiting until `deadline`. */
export const reattachedRecord = (owner: FrameSocket, deadline: number): RequestRecord => ({
  stage: "reattached",
  owner,
  deadline,
  onReply: undefined,
});

/**
 * The gateway's request state machine: a pure function from a request's record and one event to
 * the next record (the same object when nothing changed). A request is published once, and only
 * before it ended; the first reply makes a re-attached request an ordinary published one; a
 * `cancel` makes its socket the owner when the request has none (docs/protocol.md §2.5), a
 * `resume` always does, a disconnect drops the owner it was; the terminal frame ends it.
 *
 * @example
 * let record = receivedRecord(socket);
 * record = reduceRequestRecord(record, { type: "published", publication });
 * record = reduceRequestRecord(record, { type: "released", socket });
 * record; // { stage: "published", owner: undefined, deadline: publication.deadline, … }
 */
export const reduceRequestRecord = (
  record: RequestRecord,
  event: RequestRecordEvent,
): RequestRecord => {
  switch (event.type) {
    case "published":
      return record.stage !== "received"
        ? record
        : {
            ...record,
            stage: "published",
            deadline: event.publication.deadline,
            onReply: event.publication.onReply,
          };
    case "replied":
      return record.stage === "reattached" ? { ...record, stage: "published" } : record;
    case "found":
      return record.stage !== "reattached"
        ? record
        : { ...record, stage: "published", deadline: event.deadline ?? record.deadline };
    case "cancelled":
      return record.stage === "ended" || record.owner !== undefined
        ? record
        : { ...record, owner: event.socket };
    case "resumed":
      return record.owner === event.socket ? record : { ...record, owner: event.socket };
    case "released":
      return record.owner === event.socket ? { ...record, owner: undefined } : record;
    case "ended":
      return record.stage === "ended" ? record : { ...record, stage: "ended" };
    default:
      return record;
  }
};
