import type { Broker } from "@taskbridge/broker";
import {
  createError,
  type ErrorBody,
  EVENTS,
  type Logger,
  parseRequestEvent,
  type RequestEvent,
} from "@taskbridge/core/protocol";
import type { GatewayMetrics } from "./createGatewayMetrics.js";
import type { RequestLifecycle } from "./createRequestLifecycle.js";
import type { RequestEntry, Session } from "./createRequestTable.js";
import type { BuiltinHandler, TypePolicy } from "./createTypePolicy.js";
import type { Plugin } from "./definePlugin.js";
import type { GatewayLimits } from "./gatewayLimits.js";
import { type Publication, prepareClaimedPublication } from "./preparePublication.js";
import { publishRequest } from "./publishRequest.js";
import type { FrameSocket } from "./reduceRequestRecord.js";

export type RequestHandlerOptions = Pick<
  GatewayLimits,
  "maxPayloadBytes" | "maxInFlightPerSession" | "defaultTimeoutMs" | "maxTimeoutMs"
> & {
  readonly lifecycle: RequestLifecycle;
  readonly policy: TypePolicy;
  readonly broker: Broker;
  readonly replyQueue: string;
  /** True when the reply queue is a stream: each request's record is written to it (§14.3). */
  readonly recordRequests?: boolean;
  readonly isDraining: () => boolean;
  readonly onProtocolError: (socket: FrameSocket, error: ErrorBody) => void;
  readonly metrics: GatewayMetrics;
  readonly logger: Logger;
};

/** Handles one `request` event of `socket`. */
export type RequestHandler = (session: Session, socket: FrameSocket, body: unknown) => void;

/**
 * The `request` event, judged in the order of docs/protocol.md §2.3: the body and its id
 * (`protocol_error`), an id still held in the session (`protocol_error`), the fields, what the
 * gateway can hold for the session now (draining, in-flight limit, token bucket), then the type
 * policy. A refusal up to there is one terminal frame and nothing is held; past it the request is
 * held by the lifecycle and either answered by a built-in or prepared by the plugins that claim
 * its type and published, each outcome an event for the lifecycle.
 */
export const createRequestHandler = (options: RequestHandlerOptions): RequestHandler => {
  const { lifecycle, policy, metrics } = options;

  const refuse = (socket: FrameSocket, id: string, error: ErrorBody): void => {
    metrics.requestEnded("-", error.code, undefined);
    socket.emit(EVENTS.reply, { id, seq: 0, kind: "error", error });
  };

  /** What the gateway can hold for one session now (steps 9–11 of docs/protocol.md §2.3). */
  const admission = (session: Session): ErrorBody | undefined => {
    if (options.isDraining()) {
      return createError("UNAVAILABLE", "the gateway is shutting down", { retryable: true });
    }
    if (session.inFlight >= options.maxInFlightPerSession) {
      return createError(
        "RATE_LIMITED",
        `at most ${options.maxInFlightPerSession} requests in flight`,
        { retryable: true },
      );
    }
    if (!session.bucket.take()) {
      return createError("RATE_LIMITED", "too many requests", { retryable: true });
    }
    return undefined;
  };

  const runBuiltin = (entry: RequestEntry, handler: BuiltinHandler, payload: unknown): void => {
    lifecycle.dispatch(entry, { type: "accepted" });
    let result: unknown;
    try {
      result = handler(payload, entry.session);
    } catch {
      const error = createError("INTERNAL", `${entry.type} failed`);
      lifecycle.dispatch(entry, { type: "failed", error });
      return;
    }
    lifecycle.dispatch(entry, {
      type: "replied",
      kind: "result",
      seq: 0,
      attempt: 1,
      body: result,
    });
  };

  const publish = (
    entry: RequestEntry,
    claiming: readonly Plugin[],
    prepared: Publication | ErrorBody,
  ): void => {
    if ("code" in prepared) {
      lifecycle.dispatch(entry, { type: "failed", error: prepared });
      return;
    }
    const record = lifecycle.dispatch(entry, { type: "published", publication: prepared });
    if (record.stage !== "published") return; // it ended while its plugins were deciding
    publishRequest({
      broker: options.broker,
      replyQueue: options.replyQueue,
      record: options.recordRequests,
      requestKey: entry.key,
      publication: prepared,
      unroutableError: () => policy.unroutableError(entry.type, claiming),
      onAnswer: (answer) => lifecycle.dispatch(entry, answer),
      logger: options.logger,
    });
  };

  const prepare = (
    entry: RequestEntry,
    event: RequestEvent,
    payloadJson: string,
    claiming: readonly Plugin[],
  ) => {
    const { session } = entry;
    const prepared = prepareClaimedPublication(claiming, {
      id: entry.id,
      type: entry.type,
      payload: event.payload,
      payloadJson,
      principal: session.principal,
      claims: session.claims,
      sessionId: session.sessionId,
      requestKey: entry.key,
      timeoutMs: event.timeoutMs ?? undefined,
      defaultTimeoutMs: options.defaultTimeoutMs,
      maxTimeoutMs: options.maxTimeoutMs,
      now: entry.startedAt,
    });
    if (!(prepared instanceof Promise)) {
      publish(entry, claiming, prepared);
      return;
    }
    const timeoutMs = Math.min(event.timeoutMs ?? options.defaultTimeoutMs, options.maxTimeoutMs);
    lifecycle.dispatch(entry, { type: "preparing", timeoutMs });
    prepared.then(
      (value) => publish(entry, claiming, value),
      () => publish(entry, claiming, createError("INTERNAL", "a gateway plugin failed")),
    );
  };

  const request = (session: Session, socket: FrameSocket, body: unknown): void => {
    const parsed = parseRequestEvent(body, options.maxPayloadBytes);
    if (parsed.kind === "protocolError") {
      options.onProtocolError(socket, parsed.error);
      return;
    }
    const id = parsed.kind === "ok" ? parsed.value.id : parsed.id;
    if (session.entries.has(id)) {
      const error = createError("BAD_REQUEST", `request id ${id} is still in use`, {
        details: { id },
      });
      options.onProtocolError(socket, error);
      return;
    }
    if (parsed.kind === "reject") {
      refuse(socket, id, parsed.error);
      return;
    }
    const refusal = admission(session);
    if (refusal !== undefined) {
      refuse(socket, id, refusal);
      return;
    }
    const event = parsed.value;
    const decision = policy.decide(event.type, event.payload);
    if (decision.kind === "refused") {
      refuse(socket, id, decision.error);
      return;
    }
    const entry = lifecycle.receive(session, socket, id, event.type);
    if (decision.kind === "builtin") runBuiltin(entry, decision.handler, event.payload);
    else prepare(entry, event, parsed.payloadJson, decision.plugins);
  };

  return request;
};
