// The page of the Chromium benchmark (bench/client/runBrowserBench.ts): one StreamingLog fed by
// the memory transport, a React Profiler counting commits, a long-task observer, and a
// requestAnimationFrame probe. `window.runStream(n, mode)` streams n chunks and resolves with what
// was measured: "burst" runs the reference demo.count (every chunk emitted in one synchronous
// loop), "paced" yields the event loop every 100 chunks, as chunks arriving from a socket do.

import { createMemoryTransport, defineHandlers, type HandlerContext } from "@taskbridge/core";
import { referenceHandlers } from "@taskbridge/core/reference";
import { BackendProvider, StreamingLog, useBackendRequest } from "@taskbridge/react";
import { Profiler, useEffect } from "react";
import { createRoot } from "react-dom/client";

type Mode = "burst" | "paced";

/** What one stream measured, as the page reports it to the runner. */
export type PageMeasurement = {
  readonly mode: Mode;
  readonly chunks: number;
  readonly milliseconds: number;
  readonly commits: number;
  readonly renderMilliseconds: number;
  readonly longTasks: number;
  readonly longTaskMilliseconds: number;
  readonly longestTaskMilliseconds: number;
  /** Long tasks (> 50 ms) that started more than a second after the request was sent. */
  readonly lateLongTasks: number;
  readonly longestLateTaskMilliseconds: number;
  readonly frames: number;
  readonly longestFrameGapMilliseconds: number;
  readonly probeClicks: number;
  readonly longestClickDelayMilliseconds: number;
  readonly lastLine: string;
};

const yieldToEventLoop = (): Promise<void> =>
  new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });

const transport = createMemoryTransport({
  handlers: defineHandlers({
    "demo.count": referenceHandlers["demo.count"],
    "bench.paced": async ({ n }: { n: number }, ctx: HandlerContext<{ i: number }>) => {
      for (let i = 0; i < n; i += 1) {
        if (i % 100 === 0) await yieldToEventLoop();
        ctx.emit({ i });
      }
      return { count: n };
    },
  }),
});

let commits = 0;
let renderMilliseconds = 0;
let start: ((n: number, mode: Mode) => Promise<unknown>) | undefined;

function Bench() {
  const burst = useBackendRequest<{ n: number }, { i: number }>("demo.count");
  const paced = useBackendRequest<{ n: number }, { i: number }>("bench.paced");
  useEffect(() => {
    start = (n, mode) => (mode === "burst" ? burst.sendAsync({ n }) : paced.sendAsync({ n }));
  });
  return (
    <Profiler
      id="log"
      onRender={(_id, _phase, actualDuration) => {
        commits += 1;
        renderMilliseconds += actualDuration;
      }}
    >
      <StreamingLog request={burst.status === "idle" ? paced : burst} label="Bench output" />
    </Profiler>
  );
}

const longTasks: { readonly start: number; readonly duration: number }[] = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    longTasks.push({ start: entry.startTime, duration: entry.duration });
  }
}).observe({ type: "longtask", buffered: true });

let clickDelays: number[] = [];
document.getElementById("probe")?.addEventListener("click", (event) => {
  clickDelays.push(performance.now() - event.timeStamp);
});

const runStream = async (n: number, mode: Mode): Promise<PageMeasurement> => {
  if (start === undefined) throw new Error("the page has not rendered");
  commits = 0;
  renderMilliseconds = 0;
  longTasks.length = 0;
  clickDelays = [];
  let frames = 0;
  let longestGap = 0;
  let last = performance.now();
  let running = true;
  const frame = (now: number): void => {
    frames += 1;
    longestGap = Math.max(longestGap, now - last);
    last = now;
    if (running) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  const began = performance.now();
  await start(n, mode);
  // Let the last commit paint before reading the log.
  await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  const milliseconds = performance.now() - began;
  running = false;
  const lines = document.querySelectorAll(".tb-log__line");
  const durations = longTasks.map((task) => task.duration);
  const late = longTasks.filter((task) => task.start > began + 1000).map((t) => t.duration);
  return {
    mode,
    chunks: n,
    milliseconds,
    commits,
    renderMilliseconds,
    longTasks: durations.length,
    longTaskMilliseconds: durations.reduce((a, b) => a + b, 0),
    longestTaskMilliseconds: Math.max(0, ...durations),
    lateLongTasks: late.length,
    longestLateTaskMilliseconds: Math.max(0, ...late),
    frames,
    longestFrameGapMilliseconds: longestGap,
    probeClicks: clickDelays.length,
    longestClickDelayMilliseconds: Math.max(0, ...clickDelays),
    lastLine: lines[lines.length - 1]?.textContent ?? "",
  };
};

/** The text of the first and last line drawn in the log's viewport (what a reader sees). */
const visibleLines = (): { readonly first: string; readonly last: string } => {
  const log = document.querySelector<HTMLElement>(".tb-log");
  if (log === null) return { first: "", last: "" };
  const box = log.getBoundingClientRect();
  const shown = [...log.querySelectorAll<HTMLElement>(".tb-log__line")].filter((line) => {
    const rect = line.getBoundingClientRect();
    return rect.bottom > box.top && rect.top < box.bottom;
  });
  return { first: shown[0]?.textContent ?? "", last: shown[shown.length - 1]?.textContent ?? "" };
};

Object.assign(window, { runStream, visibleLines });

const root = document.getElementById("root");
if (root !== null) {
  createRoot(root).render(
    <BackendProvider transport={transport}>
      <Bench />
    </BackendProvider>,
  );
}
