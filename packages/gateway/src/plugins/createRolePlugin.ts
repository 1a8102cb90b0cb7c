import { createError } from "@taskbridge/core/protocol";
import { definePlugin, type Plugin, type PluginContext, pluginMatches } from "../definePlugin.js";

/** One rule: the types it covers, and the roles of which a user needs at least one. */
export type RoleRule = {
  readonly match: Plugin["match"];
  readonly roles: readonly string[];
};

export type RolePluginOptions = {
  readonly rules: readonly RoleRule[];
  /** Reads a user's roles; default: `claims.roles` when it is an array of strings. */
  readonly rolesOf?: (ctx: PluginContext) => readonly string[];
  readonly name?: string;
};

const claimedRoles = (ctx: PluginContext): readonly string[] => {
  const roles = ctx.claims.roles;
  return Array.isArray(roles)
    ? roles.filter((role): role is string => typeof role === "string")
    : [];
};

/**
 * A gateway plugin that authorizes request types by role: each rule names types (exact, pattern
 * or predicate) and the roles allowed to run them; a user needs one of the roles of every rule
 * that covers the type, else the request ends with `FORBIDDEN` before anything is published.
 * Types no rule covers are left alone. Roles come from what `authenticate` returned as claims.
 *
 * @example
 * createGateway({
 *   broker,
 *   authenticate: ({ token }) => verify(token), // → { principal: "alice", claims: { roles: ["admin"] } }
 *   plugins: [createRolePlugin({ rules: [{ match: /^admin\./, roles: ["admin"] }] })],
 * });
 */
export const createRolePlugin = ({
  rules,
  rolesOf = claimedRoles,
  name = "roles",
}: RolePluginOptions): Plugin => {
  const covering = (type: string) =>
    rules.filter((rule) => pluginMatches({ name, match: rule.match }, type));
  return definePlugin({
    name,
    match: (type) => covering(type).length > 0,
    authorize: (ctx) => {
      const roles = new Set(rolesOf(ctx));
      const missing = covering(ctx.type).find(
        (rule) => !rule.roles.some((role) => roles.has(role)),
      );
      if (missing === undefined) return true;
      return createError(
        "FORBIDDEN",
        `${ctx.type} needs one of the roles: ${missing.roles.join(", ")}`,
        {
          details: { roles: missing.roles },
        },
      );
    },
  });
};
