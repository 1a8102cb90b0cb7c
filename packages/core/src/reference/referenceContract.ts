import { z } from "zod";

/**
 * The payload, chunk and result schemas of the reference services of docs/protocol.md §8. A plain
 * object in the shape `defineContract` takes (workers may not import `transport/`), so a client
 * can do `createClient(transport, referenceContract)` and a worker can announce
 * `z.toJSONSchema(referenceContract["demo.count"].payload)`.
 */
export const referenceContract = {
  "demo.echo": {
    description: "Answers with its payload (any JSON value).",
    payload: z.json(),
    chunk: z.never(),
    result: z.json(),
  },
  "demo.count": {
    description: "Streams chunks { i } for i = 0 … n-1, then answers { count: n }.",
    payload: z.object({
      n: z.number().int().min(0),
      delayMs: z.number().min(0).optional(),
    }),
    chunk: z.object({ i: z.number().int() }),
    result: z.object({ count: z.number().int() }),
  },
  "demo.progress": {
    description:
      "Reports progress { done: k, total: steps } for k = 1 … steps, then { done: steps }.",
    payload: z.object({ steps: z.number().int().min(0), delayMs: z.number().min(0) }),
    chunk: z.never(),
    result: z.object({ done: z.number().int() }),
  },
  "demo.fail": {
    description: "Throws: the request ends WORKER_ERROR with the given message.",
    payload: z.object({ message: z.string() }),
    chunk: z.never(),
    result: z.never(),
  },
} as const;

export type ReferenceContract = typeof referenceContract;
