import { judgeStream } from "./judgeStream.js";
import { judgeWireSeqs } from "./judgeWireSeqs.js";
import type { StreamingClient } from "./openStreamingClients.js";

/** A completed stream with nothing odd on the wire or at the client. */
export const isClean = (client: StreamingClient, n: number): boolean => {
  const verdict = judgeStream(client.frames, n);
  const wire = judgeWireSeqs(client.wire);
  return (
    (verdict.outcome === "completed" || verdict.outcome === "restarted") &&
    !verdict.duplicated &&
    !verdict.outOfOrder &&
    verdict.terminals === 1 &&
    wire.repeats === 0 &&
    wire.gaps === 0
  );
};

/**
 * One line about a client, for a failure message: its owner and current gateway, connections,
 * and its frames with runs of chunks as ranges of their `i` (`accepted 0-11 restart(2) 0-29 result`).
 *
 * @example
 * describeClient(client) // "#17 … owner gw-2 now gw-3, 2 connects, …: accepted 0-29 result"
 */
export const describeClient = (client: StreamingClient): string => {
  const parts: string[] = [];
  let run: { from: number; to: number } | undefined;
  const endRun = (): void => {
    if (run !== undefined)
      parts.push(run.from === run.to ? `${run.from}` : `${run.from}-${run.to}`);
    run = undefined;
  };
  for (const frame of client.frames) {
    if (frame.kind === "chunk") {
      const i = (frame.data as { readonly i?: number } | null)?.i ?? Number.NaN;
      if (run !== undefined && i === run.to + 1) run.to = i;
      else {
        endRun();
        run = { from: i, to: i };
      }
      continue;
    }
    endRun();
    if (frame.kind === "error") parts.push(`error(${frame.error.code})`);
    else if (frame.kind === "restart") parts.push(`restart(${frame.attempt})`);
    else parts.push(frame.kind);
  }
  endRun();
  const frames = parts.join(" ");
  const wire = judgeWireSeqs(client.wire);
  return (
    `#${client.index} ${client.requestId} owner ${client.owner() ?? "?"} now ${client.server() ?? "?"}, ` +
    `${client.connects()} connects, wire repeats ${wire.repeats} gaps ${wire.gaps}: ${frames || "(no frames)"}`
  );
};
