// Keywords that never make a value fail; `$schema` and `$id` only where they are harmless: at
// the root (a nested `$id` would change what `#` refers to).
const ANNOTATIONS = new Set([
  "title",
  "description",
  "$comment",
  "default",
  "examples",
  "deprecated",
  "readOnly",
  "writeOnly",
]);
const ROOT_ONLY = new Set(["$schema", "$id"]);
const KINDS = ["string", "number", "boolean", "null", "array", "object"] as const;
type Kind = (typeof KINDS)[number];

type Schema = Record<string, unknown>;

const isObject = (value: unknown): value is Schema =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The keywords of `schema` that constrain, or undefined when one of them is not known here. */
const constraints = (schema: Schema, root: boolean): string[] => {
  const keys: string[] = [];
  for (const key of Object.keys(schema)) {
    if (ANNOTATIONS.has(key) || (root && ROOT_ONLY.has(key))) continue;
    keys.push(key);
  }
  return keys;
};

/**
 * True when `schema` accepts every JSON value. `{ "$ref": "#" }` (the root itself) counts only
 * where it is `guarded`, under `items` or `additionalProperties`: each use there is about a
 * smaller value, so if the root accepts everything, so does it (an unguarded one would loop).
 */
const total = (schema: unknown, root: boolean, guarded: boolean): boolean => {
  if (schema === true) return true;
  if (!isObject(schema)) return false;
  const keys = constraints(schema, root);
  if (keys.length === 0) return true;
  if (keys.length !== 1) return false;
  if (keys[0] === "$ref") return guarded && schema.$ref === "#";
  if (keys[0] === "type") return coveredByType(schema.type).size === KINDS.length;
  if (keys[0] !== "anyOf" || !Array.isArray(schema.anyOf)) return false;
  const covered = new Set<Kind>();
  for (const branch of schema.anyOf) for (const kind of kindsCovered(branch)) covered.add(kind);
  return covered.size === KINDS.length;
};

const coveredByType = (type: unknown): Set<Kind> => {
  const names = typeof type === "string" ? [type] : Array.isArray(type) ? type : [];
  return new Set(KINDS.filter((kind) => names.includes(kind)));
};

/**
 * The kinds of JSON value of which `branch` accepts every value: a bare `type`, an array whose
 * `items` accept everything, an object whose `additionalProperties` do (string property names
 * are all JSON has). Anything it does not recognise covers nothing.
 */
const kindsCovered = (branch: unknown): Set<Kind> => {
  if (branch === true) return new Set(KINDS);
  if (!isObject(branch)) return new Set();
  const keys = constraints(branch, false);
  const types = coveredByType(branch.type);
  if (!keys.includes("type") || types.size !== 1) {
    return total(branch, false, false) ? new Set(KINDS) : new Set();
  }
  const [kind] = types;
  const rest = keys.filter((key) => key !== "type");
  if (rest.length === 0) return types;
  if (kind === "array" && rest.length === 1 && rest[0] === "items") {
    return total(branch.items, false, true) ? types : new Set();
  }
  if (kind === "object") {
    const stringNames = isObject(branch.propertyNames)
      ? constraints(branch.propertyNames, false).length === 1 &&
        branch.propertyNames.type === "string"
      : branch.propertyNames === undefined;
    const others = rest.filter((key) => key !== "propertyNames" && key !== "additionalProperties");
    if (others.length === 0 && stringNames) {
      return branch.additionalProperties === undefined ||
        total(branch.additionalProperties, false, true)
        ? types
        : new Set();
    }
  }
  return new Set();
};

/**
 * True when a JSON Schema (2020-12) accepts every JSON value, so that checking a payload that is
 * JSON already cannot fail: `true`, `{}`, a `type` naming all six kinds, or an `anyOf` whose
 * branches cover them all — the shape zod's `z.json()` (and `z.unknown()`) announce, where a
 * recursive `{ "$ref": "#" }` stands for the schema itself. Conservative: anything it does not
 * recognise is false, and the payload is checked as usual.
 *
 * @example
 * acceptsAnyJson({}) // true
 * acceptsAnyJson({ anyOf: [{ type: "string" }, { type: "number" }] }) // false
 */
export const acceptsAnyJson = (schema: unknown): boolean => total(schema, true, false);
