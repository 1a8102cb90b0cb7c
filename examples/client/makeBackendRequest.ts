import { createMemoryTransport, isErrorBody, makeBackendRequest } from "@taskbridge/core";
import { referenceHandlers } from "@taskbridge/core/reference";

export async function makeBackendRequestExample() {
  const transport = createMemoryTransport({ handlers: referenceHandlers });

  // A result, with chunks streamed along the way.
  const seen: number[] = [];
  const { count } = await makeBackendRequest<{ count: number }, { i: number }>(
    transport,
    "demo.count",
    { n: 3 },
    { onChunk: ({ i }) => seen.push(i), timeoutMs: 10_000 },
  );

  // Errors are plain error bodies: check `code`, show `message`.
  let failure = "";
  try {
    await makeBackendRequest(transport, "demo.fail", { message: "disk full" });
  } catch (error) {
    if (isErrorBody(error)) failure = `${error.code}: ${error.message}`;
  }

  // An AbortSignal cancels: the promise rejects with CANCELLED at once.
  const controller = new AbortController();
  const slow = makeBackendRequest(
    transport,
    "demo.progress",
    { steps: 100, delayMs: 50 },
    { signal: controller.signal, onProgress: ({ done, total }) => console.log(done, "/", total) },
  );
  controller.abort();
  const cancelled = await slow.catch((error) => error.code);

  await transport.close();
  return { count, seen, failure, cancelled };
  // → { count: 3, seen: [0, 1, 2], failure: "WORKER_ERROR: disk full", cancelled: "CANCELLED" }
}
