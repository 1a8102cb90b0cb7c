import type { Transport } from "@taskbridge/core";

/**
 * The props of a component that runs its own request: it calls `useBackendRequest(type)`
 * itself. The `never` fields make mixing the two modes a type error.
 */
export type OwnRequestProps = {
  /** The request type to run, e.g. `demo.count`. */
  readonly type: string;
  /** Use this transport instead of the `BackendProvider`'s. */
  readonly transport?: Transport;
  readonly timeoutMs?: number;
  readonly request?: never;
};

/** The props of a component fed a request from `useBackendRequest`, shared with others. */
export type FedRequestProps<TRequest> = {
  readonly request: TRequest;
  readonly type?: never;
  readonly transport?: never;
  readonly timeoutMs?: never;
};

/** A payload given as a value, or as a function called at the moment the request starts. */
export type PayloadProp<TPayload> = TPayload | (() => TPayload);

/**
 * The payload to send now. A function is called (so a form can be read at click time); anything
 * else is sent as is, `undefined` as `null` (docs/protocol.md: a missing payload means `null`).
 */
export const resolvePayload = <TPayload>(payload: PayloadProp<TPayload> | undefined): TPayload =>
  (typeof payload === "function" ? (payload as () => TPayload)() : (payload ?? null)) as TPayload;

/** Joins class names, skipping empty ones: `joinClassNames("tb-log", props.className)`. */
export const joinClassNames = (...names: ReadonlyArray<string | false | undefined>): string =>
  names.filter(Boolean).join(" ");
