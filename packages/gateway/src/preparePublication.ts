import {
  createError,
  type ErrorBody,
  isErrorBody,
  type ReplyFrame,
} from "@taskbridge/core/protocol";
import { claimingPlugins, type Plugin, type PluginContext } from "./definePlugin.js";

/** A request ready to publish: where to, what, with which headers, and how its replies are shaped. */
export type Publication = {
  readonly queue: string;
  readonly payload: unknown;
  /** The payload's JSON when the caller had it and no plugin could change the payload. */
  readonly payloadJson?: string;
  readonly headers: Readonly<Record<string, unknown>>;
  readonly timeoutMs: number;
  readonly deadline: number;
  /** The matching plugins' `onReply` hooks chained, or undefined when none has one. */
  readonly onReply: ((frame: ReplyFrame) => ReplyFrame | null) | undefined;
};

export type PublicationInput = {
  readonly id: string;
  readonly type: string;
  readonly payload: unknown;
  /** The payload's JSON, if the caller has it (the size check wrote it): published as it is. */
  readonly payloadJson?: string;
  readonly principal: string;
  readonly claims: Readonly<Record<string, unknown>>;
  readonly sessionId: string;
  readonly requestKey: string;
  /** The client's `timeoutMs`, if it gave one. */
  readonly timeoutMs: number | undefined;
  readonly defaultTimeoutMs: number;
  readonly maxTimeoutMs: number;
  readonly now: number;
};

const baseHeaders = (type: string, deadline: number, principal: string) => ({
  "x-type": type,
  "x-deadline": deadline,
  "x-principal": principal,
});

const internal = (plugin: Plugin): ErrorBody =>
  createError("INTERNAL", `the gateway plugin "${plugin.name}" failed`);

const isThenable = <T>(value: T | Promise<T>): value is Promise<T> =>
  typeof (value as { then?: unknown } | null)?.then === "function";

/**
 * Runs the plugins that claim a request's type, in order, and returns what to publish or the
 * error body that refuses the request (docs/protocol.md §2: `BAD_REQUEST`, `FORBIDDEN`, or what a
 * plugin chose; a plugin that throws gives `INTERNAL`). Type T goes to queue T by default; the
 * timeout is the client's, else the first plugin's, else the gateway default, and never more than
 * the gateway's maximum. What a plugin test calls: the gateway itself has matched the plugins
 * already (its type policy) and calls `prepareClaimedPublication`.
 *
 * @example
 * await preparePublication([reports], input); // { queue: "reports", headers: {…}, … } or an error body
 */
export const preparePublication = (
  plugins: readonly Plugin[],
  input: PublicationInput,
): Publication | ErrorBody | Promise<Publication | ErrorBody> =>
  prepareClaimedPublication(claimingPlugins(plugins, input.type), input);

/**
 * `preparePublication` with the plugins that claim the type given (`claimingPlugins`). With none
 * the answer is synchronous: the hot path of a plain request awaits nothing here.
 */
export const prepareClaimedPublication = (
  claiming: readonly Plugin[],
  input: PublicationInput,
): Publication | ErrorBody | Promise<Publication | ErrorBody> => {
  const pluginTimeout = claiming.find((p) => p.timeoutMs !== undefined)?.timeoutMs;
  const timeoutMs = Math.min(
    input.timeoutMs ?? pluginTimeout ?? input.defaultTimeoutMs,
    input.maxTimeoutMs,
  );
  const deadline = input.now + timeoutMs;
  if (claiming.length === 0) {
    return {
      queue: input.type,
      payload: input.payload,
      ...(input.payloadJson === undefined ? {} : { payloadJson: input.payloadJson }),
      headers: baseHeaders(input.type, deadline, input.principal),
      timeoutMs,
      deadline,
      onReply: undefined,
    };
  }
  return runPlugins(claiming, input, timeoutMs, deadline);
};

const pickQueue = (plugins: readonly Plugin[], type: string): string => {
  const queue = plugins.find((p) => p.queue !== undefined)?.queue;
  if (queue === undefined) return type;
  return typeof queue === "function" ? queue(type) : queue;
};

const runPlugins = async (
  plugins: readonly Plugin[],
  input: PublicationInput,
  timeoutMs: number,
  deadline: number,
): Promise<Publication | ErrorBody> => {
  let current: Plugin | undefined;
  try {
    // A `queue` function that throws is that plugin's failure.
    current = plugins.find((p) => p.queue !== undefined);
    const queue = pickQueue(plugins, input.type);
    let ctx: PluginContext = {
      id: input.id,
      type: input.type,
      principal: input.principal,
      claims: input.claims,
      sessionId: input.sessionId,
      requestKey: input.requestKey,
      payload: input.payload,
      queue,
      timeoutMs,
      deadline,
      headers: baseHeaders(input.type, deadline, input.principal),
    };
    for (const plugin of plugins) {
      current = plugin;
      if (plugin.payloadSchema !== undefined) {
        const parsed = plugin.payloadSchema.safeParse(ctx.payload);
        if (!parsed.success) {
          const issues = (parsed.error?.issues ?? []).map((issue) => ({
            path: (issue.path ?? []).map((key) => (typeof key === "symbol" ? String(key) : key)),
            message: issue.message,
          }));
          return createError("BAD_REQUEST", `the payload of ${input.type} is invalid`, {
            details: { issues },
          });
        }
        if (parsed.data !== undefined) ctx = { ...ctx, payload: parsed.data };
      }
      if (plugin.validate !== undefined) {
        const refusal = plugin.validate(ctx.payload, ctx);
        if (typeof refusal === "string") return createError("BAD_REQUEST", refusal);
        if (refusal !== undefined) return isErrorBody(refusal) ? refusal : internal(plugin);
      }
      if (plugin.authorize !== undefined) {
        const verdict = plugin.authorize(ctx);
        const allowed = isThenable(verdict) ? await verdict : verdict;
        if (allowed === false) {
          return createError("FORBIDDEN", `you may not run ${input.type}`);
        }
        if (allowed !== true) return isErrorBody(allowed) ? allowed : internal(plugin);
      }
    }
    for (const plugin of plugins) {
      current = plugin;
      if (plugin.beforePublish === undefined) continue;
      const outcome = plugin.beforePublish(ctx);
      const change = isThenable(outcome) ? await outcome : outcome;
      if (change === undefined || change === null) continue;
      if (isErrorBody(change)) return change;
      ctx = {
        ...ctx,
        payload: Object.hasOwn(change, "payload") ? change.payload : ctx.payload,
        headers: change.headers === undefined ? ctx.headers : { ...ctx.headers, ...change.headers },
      };
    }
    const hooks = plugins.filter((p) => p.onReply !== undefined);
    const finalCtx = ctx;
    const onReply =
      hooks.length === 0
        ? undefined
        : (frame: ReplyFrame): ReplyFrame | null => {
            let out: ReplyFrame | null = frame;
            for (const plugin of hooks) {
              if (out === null) return null;
              out = plugin.onReply?.(out, finalCtx) ?? null;
            }
            return out;
          };
    return {
      queue,
      payload: ctx.payload,
      headers: ctx.headers,
      timeoutMs,
      deadline,
      onReply,
    };
  } catch {
    return current === undefined
      ? createError("INTERNAL", "a gateway plugin failed")
      : internal(current);
  }
};
