import type { ErrorBody, ReplyFrame } from "@taskbridge/core/protocol";

/** What a plugin's hooks learn about the request at hand. `headers` may be changed by `beforePublish`. */
export type PluginContext = {
  readonly id: string;
  readonly type: string;
  /** The authenticated user id (or `anon`) and what `authenticate` returned alongside it. */
  readonly principal: string;
  readonly claims: Readonly<Record<string, unknown>>;
  readonly sessionId: string;
  /** `<principal>:<sessionId>:<id>`, the AMQP correlation id. */
  readonly requestKey: string;
  readonly payload: unknown;
  readonly queue: string;
  readonly timeoutMs: number;
  /** Epoch ms at which the client stops waiting (`x-deadline`). */
  readonly deadline: number;
  /** The AMQP headers about to be published (`x-type`, `x-deadline`, `x-principal` …). */
  readonly headers: Readonly<Record<string, unknown>>;
};

/** The structural slice of a zod schema (or any schema with `safeParse`) a plugin may give. */
export type PayloadSchema = {
  readonly safeParse: (value: unknown) => {
    readonly success: boolean;
    readonly data?: unknown;
    readonly error?: {
      readonly issues?: readonly {
        readonly message: string;
        readonly path?: readonly PropertyKey[];
      }[];
    };
  };
};

/** What a hook may give back: a value, an error body that refuses the request, or a promise of either. */
export type MaybePromise<T> = T | Promise<T>;

/** What `beforePublish` may change; returning nothing publishes as is, an error body refuses. */
export type PublishChange = {
  readonly payload?: unknown;
  readonly headers?: Readonly<Record<string, unknown>>;
};

export type Plugin = {
  /** For logs and error messages. */
  readonly name: string;
  /** The request types the plugin claims: an exact type, a pattern, or a predicate. */
  readonly match: string | RegExp | ((type: string) => boolean);
  /** The queue to publish to (default: the type itself). The first matching plugin that sets one wins. */
  readonly queue?: string | ((type: string) => string);
  /** Checked before anything is published; a failure is `BAD_REQUEST` with the issues as details. */
  readonly payloadSchema?: PayloadSchema;
  /** A custom payload check: return an error body (or a message) to refuse, nothing to accept. */
  readonly validate?: (payload: unknown, ctx: PluginContext) => ErrorBody | string | undefined;
  /** `true` allows, `false` refuses with `FORBIDDEN`, an error body refuses with that body. */
  readonly authorize?: (ctx: PluginContext) => MaybePromise<boolean | ErrorBody>;
  /** The default timeout for the types it claims (a client's `timeoutMs` still wins). */
  readonly timeoutMs?: number;
  /** May change the payload or headers, or refuse with an error body. */
  readonly beforePublish?: (
    ctx: PluginContext,
  ) => MaybePromise<PublishChange | ErrorBody | undefined>;
  /**
   * Sees every frame before it goes to the client (synchronously: this is the hot path). Return
   * the frame, a changed frame, or `null` to drop it; terminal frames cannot be dropped.
   */
  readonly onReply?: (frame: ReplyFrame, ctx: PluginContext) => ReplyFrame | null | undefined;
};

/**
 * Declares a gateway plugin: a plain object that claims request types and may route, validate,
 * authorize, set a timeout and hook into publishing and replies. Plugins run in the order given,
 * every matching one in turn (error-first, like Socket.IO middleware: the first refusal wins);
 * a plugin that throws fails that one request with `INTERNAL`. Type T goes to queue T unless a
 * plugin routes it elsewhere.
 *
 * @example
 * const reports = definePlugin({
 *   name: "reports",
 *   match: /^report\./,
 *   queue: "reports",
 *   payloadSchema: z.object({ month: z.string() }),
 *   authorize: (ctx) => ctx.principal !== "anon",
 *   timeoutMs: 60 * 60 * 1000,
 * });
 */
export const definePlugin = (plugin: Plugin): Plugin => plugin;

/** True when `plugin` claims `type`. */
export const pluginMatches = (plugin: Plugin, type: string): boolean => {
  const { match } = plugin;
  if (typeof match === "string") return match === type;
  if (typeof match === "function") return match(type);
  match.lastIndex = 0;
  return match.test(type);
};

const NONE: readonly Plugin[] = [];

/** The plugins that claim `type`, in their order (the same empty array when none does). */
export const claimingPlugins = (plugins: readonly Plugin[], type: string): readonly Plugin[] => {
  if (plugins.length === 0) return NONE;
  const claiming = plugins.filter((plugin) => pluginMatches(plugin, type));
  return claiming.length === 0 ? NONE : claiming;
};

/** The exact types a set of plugins names (string matches): the types the gateway knows for sure. */
export const namedPluginTypes = (plugins: readonly Plugin[]): string[] =>
  plugins.flatMap((plugin) => (typeof plugin.match === "string" ? [plugin.match] : []));
