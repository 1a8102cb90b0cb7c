import { defineContract, defineHandlers } from "@taskbridge/core";
import { z } from "zod";

// Step 1 (TypeScript): define the service once, with zod schemas for payload, chunk and result.
export const greetContract = defineContract({
  "example.greet": {
    description: "Greets someone, streaming the greeting word by word.",
    version: "1",
    payload: z.object({ name: z.string().min(1), excited: z.boolean().optional() }),
    chunk: z.object({ word: z.string() }),
    result: z.object({ greeting: z.string() }),
  },
});

type GreetPayload = z.infer<(typeof greetContract)["example.greet"]["payload"]>;

// The handler a worker serves (and the memory transport runs, in stories and tests).
export const greetHandlers = defineHandlers({
  "example.greet": (payload: GreetPayload, ctx) => {
    const greeting = `Hello, ${payload.name}${payload.excited ? "!" : "."}`;
    for (const word of greeting.split(" ")) ctx.emit({ word });
    return { greeting };
  },
});
