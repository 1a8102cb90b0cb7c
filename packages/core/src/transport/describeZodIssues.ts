import type { z } from "zod";

/** One failing field of a payload, chunk or result: a dotted path (`""`: the whole value). */
export type FieldIssue = { readonly path: string; readonly message: string };

/**
 * The issues of a failed zod parse as plain JSON, for an error body's `details.issues`: where
 * (`lines.0.amount`) and what is wrong. Used wherever a contract check refuses a value, so a
 * client sees the same shape from `createClient` and from the memory transport.
 */
export const describeZodIssues = (error: z.ZodError): FieldIssue[] =>
  error.issues.map((issue) => ({
    path: issue.path.map(String).join("."),
    message: issue.message,
  }));
