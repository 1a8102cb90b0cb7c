import {
  BUILTIN_TYPE_PREFIX,
  createError,
  type ErrorBody,
  type Logger,
} from "@taskbridge/core/protocol";
import type { SessionInfo } from "./createRequestTable.js";
import { createSchemaValidator } from "./createSchemaValidator.js";
import type { ServiceCatalog } from "./createServiceCatalog.js";
import { claimingPlugins, namedPluginTypes, type Plugin } from "./definePlugin.js";

/** A built-in `taskbridge.*` type answered by the gateway itself: a result, or an error body. */
export type BuiltinHandler = (payload: unknown, session: SessionInfo) => unknown;

export type TypePolicyOptions = {
  /** What workers announce: known types, their staleness and payload schemas. */
  readonly catalog: ServiceCatalog;
  readonly plugins: readonly Plugin[];
  /**
   * Answer types no plugin and no announcement names with `UNKNOWN_TYPE` instead of publishing
   * them, and types whose workers all went silent with `UNAVAILABLE`.
   */
  readonly knownTypesOnly?: boolean;
  /** Extra built-ins; `taskbridge.services` is built in, and one given here replaces it. */
  readonly builtins?: Readonly<Record<string, BuiltinHandler>>;
  /** Told about announced schemas that do not compile (they are ignored). */
  readonly logger: Logger;
};

/** How the gateway treats one request by its type. */
export type TypeDecision =
  /** Refused with this error: an unknown built-in or type, a stale type, a payload off its schema. */
  | { readonly kind: "refused"; readonly error: ErrorBody }
  /** Answered by the gateway itself. */
  | { readonly kind: "builtin"; readonly handler: BuiltinHandler }
  /** Published, through the plugins that claim the type (in order; often none). */
  | { readonly kind: "publish"; readonly plugins: readonly Plugin[] };

export type TypePolicy = {
  /** Steps 12–14 of docs/protocol.md §2.3 for a request of `type`, matching the plugins once. */
  readonly decide: (type: string, payload: unknown) => TypeDecision;
  /**
   * The answer when the broker returns a request of `type` (no queue takes it), given the plugins
   * that claimed it: `UNKNOWN_TYPE` when nothing ever announced it and no plugin claims it (a
   * typo, a service that never ran), else `UNAVAILABLE` (nobody serves it right now).
   */
  readonly unroutableError: (type: string, plugins: readonly Plugin[]) => ErrorBody;
};

/** A returned request: nobody serves its type right now. */
const unavailableType = (type: string): ErrorBody =>
  createError("UNAVAILABLE", `no service takes requests of type ${type}`);

/**
 * The gateway's rules about request types, in one object beside the service catalog it reads
 * (docs/protocol.md §2.3 and §6): which `taskbridge.*` built-ins exist (`taskbridge.services`
 * lists the catalog and the types plugins name), which types are known (announced within the
 * catalog's memory, or claimed by a plugin) when `knownTypesOnly` is on, that a stale type is
 * `UNAVAILABLE` then, which payloads fail an announced schema, and what a returned request means.
 *
 * @example
 * const policy = createTypePolicy({ catalog, plugins, knownTypesOnly: true, logger });
 * policy.decide("demo.count", { n: 2 }); // { kind: "publish", plugins: [] } once announced
 * policy.decide("taskbridge.nope", null); // { kind: "refused", error: { code: "UNKNOWN_TYPE", … } }
 */
export const createTypePolicy = (options: TypePolicyOptions): TypePolicy => {
  const { catalog, plugins, logger } = options;
  const knownTypesOnly = options.knownTypesOnly ?? false;
  const schemas = createSchemaValidator((type, error) =>
    logger.warn("ignoring an announced payloadSchema that does not compile", {
      type,
      error: String(error),
    }),
  );
  const builtins: Readonly<Record<string, BuiltinHandler>> = {
    "taskbridge.services": () => {
      const services: { type: string }[] = catalog.list();
      for (const type of namedPluginTypes(plugins)) {
        if (!services.some((s) => s.type === type)) services.push({ type });
      }
      return { services };
    },
    ...options.builtins,
  };

  const decide = (type: string, payload: unknown): TypeDecision => {
    if (type.startsWith(BUILTIN_TYPE_PREFIX)) {
      const handler = Object.hasOwn(builtins, type) ? builtins[type] : undefined;
      return handler !== undefined
        ? { kind: "builtin", handler }
        : { kind: "refused", error: createError("UNKNOWN_TYPE", `unknown built-in type ${type}`) };
    }
    const claiming = claimingPlugins(plugins, type);
    if (knownTypesOnly) {
      const status = catalog.statusOf(type);
      if (status === "unknown" && claiming.length === 0) {
        return { kind: "refused", error: createError("UNKNOWN_TYPE", `unknown type ${type}`) };
      }
      // Announced, but its workers all went silent: nobody would take the request.
      if (status === "stale") {
        const error = createError("UNAVAILABLE", `no live worker serves ${type}`, {
          retryable: true,
        });
        return { kind: "refused", error };
      }
    }
    const invalid = schemas.check(type, catalog.payloadSchemaOf(type), payload);
    return invalid === undefined
      ? { kind: "publish", plugins: claiming }
      : { kind: "refused", error: invalid };
  };

  const unroutableError = (type: string, claiming: readonly Plugin[]): ErrorBody =>
    catalog.statusOf(type) === "unknown" && claiming.length === 0
      ? createError("UNKNOWN_TYPE", `no worker serves or has announced the type ${type}`)
      : unavailableType(type);

  return { decide, unroutableError };
};
