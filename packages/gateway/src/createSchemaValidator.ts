import { createError, type ErrorBody } from "@taskbridge/core/protocol";
import { Ajv2020 } from "ajv/dist/2020.js";
import { acceptsAnyJson } from "./acceptsAnyJson.js";

export type SchemaValidator = {
  /** Checks `payload` against `schema` (JSON Schema 2020-12); an error body when it fails. */
  readonly check: (type: string, schema: unknown, payload: unknown) => ErrorBody | undefined;
};

const pointerPart = (key: string): string => key.replaceAll("~", "~0").replaceAll("/", "~1");

/**
 * The JSON pointer of the field an issue is about: Ajv reports a missing or an extra property
 * at its parent object, and the field's name in `params`.
 */
const pathOf = (issue: { instancePath: string; params: Record<string, unknown> }): string => {
  const field = issue.params.missingProperty ?? issue.params.additionalProperty;
  return typeof field === "string"
    ? `${issue.instancePath}/${pointerPart(field)}`
    : issue.instancePath;
};

/**
 * Validates payloads against the `payloadSchema` workers announce (docs/protocol.md §6). Compiled
 * validators are cached per type and schema text, so an unchanged announcement costs one map
 * lookup; a schema that does not compile is logged once by the caller's `onInvalidSchema` and
 * ignored (the worker still validates). A schema that accepts every JSON value (`acceptsAnyJson`,
 * e.g. `z.json()`) is not run: the payload is JSON already (§2.3 step 7), so it cannot fail.
 */
export const createSchemaValidator = (
  onInvalidSchema: (type: string, error: unknown) => void = () => {},
): SchemaValidator => {
  const ajv = new Ajv2020({ allErrors: false, strict: false });
  type Compiled = {
    schema: object;
    text: string;
    validate: ReturnType<typeof ajv.compile> | undefined;
    /** The schema accepts every JSON value (`z.json()`): nothing to check in a JSON payload. */
    anyJson: boolean;
  };
  const cache = new Map<string, Compiled>();

  const compiled = (type: string, schema: object): Compiled => {
    const entry = cache.get(type);
    if (entry?.schema === schema) return entry;
    // A re-announcement brings a new object: recompile only when the schema really changed.
    const text = JSON.stringify(schema);
    if (entry !== undefined && entry.text === text) {
      entry.schema = schema;
      return entry;
    }
    let validate: ReturnType<typeof ajv.compile> | undefined;
    try {
      validate = ajv.compile(schema);
    } catch (error) {
      onInvalidSchema(type, error);
    }
    const next = { schema, text, validate, anyJson: acceptsAnyJson(schema) };
    cache.set(type, next);
    return next;
  };

  const check = (type: string, schema: unknown, payload: unknown): ErrorBody | undefined => {
    if (typeof schema !== "object" || schema === null) return undefined;
    const entry = compiled(type, schema);
    const { validate } = entry;
    if (entry.anyJson || validate === undefined || validate(payload)) return undefined;
    const issues = (validate.errors ?? []).map((issue) => ({
      path: pathOf(issue),
      message: issue.message ?? "invalid",
    }));
    return createError("BAD_REQUEST", `the payload of ${type} does not match its schema`, {
      details: { issues },
    });
  };

  return { check };
};
