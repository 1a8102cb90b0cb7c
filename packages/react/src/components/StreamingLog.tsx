import { observeElementRect, useVirtualizer } from "@tanstack/react-virtual";
import type { ErrorBody } from "@taskbridge/core/protocol";
import {
  type CSSProperties,
  type ReactNode,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from "react";
import { type BackendRequestView, useBackendRequest } from "../hooks/useBackendRequest.js";
import { type FedRequestProps, joinClassNames, type OwnRequestProps } from "./requestProps.js";
import { useAutoStart } from "./useAutoStart.js";

export type StreamingLogBaseProps<TChunk> = {
  /** How one chunk shows as a line. Default: strings as they are, anything else as JSON. */
  readonly renderChunk?: (chunk: TChunk, index: number) => ReactNode;
  /** Shown while there is no chunk. Default "No output yet." */
  readonly emptyText?: ReactNode;
  /** The log's accessible name. Default "Output". */
  readonly label?: string;
  /** The height of one line in px (lines are one row each, like a terminal). Default 20. */
  readonly rowHeight?: number;
  /**
   * After the lines, a failed or cancelled request ends with one more line that says so
   * (`.tb-log__outcome`, `data-state="error"`). Default true; false shows only the lines.
   */
  readonly showError?: boolean;
  /** The words of that last line. Default "Stopped: " and the error's message. */
  readonly renderError?: (error: ErrorBody) => ReactNode;
  readonly className?: string;
  readonly style?: CSSProperties;
};

export type StreamingLogProps<
  TChunk = unknown,
  TPayload = unknown,
> = StreamingLogBaseProps<TChunk> &
  (
    | (OwnRequestProps & { readonly payload?: TPayload })
    | (FedRequestProps<BackendRequestView<TChunk, unknown>> & { readonly payload?: never })
  );

/** Strings as they are, anything else as compact JSON. */
export const defaultRenderChunk = (chunk: unknown): ReactNode =>
  typeof chunk === "string" ? chunk : JSON.stringify(chunk);

/** The last line of a log whose request failed or was cancelled: "Stopped: disk full". */
export const defaultRenderLogError = (error: ErrorBody): ReactNode => `Stopped: ${error.message}`;

/** Within this many px of the end counts as "at the bottom". */
const STICK_SLACK_PX = 4;
/** Viewport height assumed until the element has a layout (jsdom, a hidden tab). */
const FALLBACK_VIEWPORT_PX = 320;

const observeRectWithFallback: typeof observeElementRect = (instance, onRect) =>
  observeElementRect(instance, (rect) =>
    onRect(rect.height > 0 ? rect : { width: rect.width, height: FALLBACK_VIEWPORT_PX }),
  );

// The ResizeObserver's height first: reading `clientHeight` right after a commit changed the DOM
// forces a synchronous layout, which per commit was most of a fast stream's main-thread time.
const viewportHeight = (element: HTMLElement, measured: number | undefined): number =>
  measured || element.clientHeight || FALLBACK_VIEWPORT_PX;

const nextFrame = (callback: () => void): (() => void) => {
  if (typeof requestAnimationFrame === "function") {
    const id = requestAnimationFrame(callback);
    return () => cancelAnimationFrame(id);
  }
  const id = setTimeout(callback, 16);
  return () => clearTimeout(id);
};

/**
 * The number of lines to draw: `count`, but growing at most once per animation frame. A fast
 * stream commits far more often than the screen refreshes (the bench's: 1,000 batches in 3 s);
 * drawing every one re-laid out the log, scrolled it and made the virtualizer recompute every
 * row's offset (O(lines) each time). Fewer lines (a new request) show at once, and so do all of
 * them once the stream ends (`settled`), in the commit that shows the request's outcome.
 */
function useLinesPerFrame(count: number, settled: boolean): number {
  const [shown, setShown] = useState(count);
  const latest = useRef(count);
  const cancel = useRef<(() => void) | undefined>(undefined);
  useEffect(() => {
    latest.current = count;
    if (count === shown || cancel.current !== undefined) return;
    cancel.current = nextFrame(() => {
      cancel.current = undefined;
      setShown(latest.current);
    });
  }, [count, shown]);
  useEffect(
    () => () => {
      cancel.current?.();
      cancel.current = undefined;
    },
    [],
  );
  return settled ? count : Math.min(count, shown);
}

function StreamingLogView<TChunk>({
  request,
  renderChunk = defaultRenderChunk,
  emptyText = "No output yet.",
  label = "Output",
  rowHeight = 20,
  showError = true,
  renderError = defaultRenderLogError,
  className,
  style,
}: StreamingLogBaseProps<TChunk> & { readonly request: BackendRequestView<TChunk, unknown> }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const sticking = useRef(true);
  const { chunks } = request;
  const count = useLinesPerFrame(chunks.length, request.status !== "streaming");
  const outcome =
    showError && request.status === "error" && request.error !== undefined
      ? request.error
      : undefined;
  const virtualizer = useVirtualizer<HTMLDivElement, HTMLDivElement>({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 8,
    observeElementRect: observeRectWithFallback,
  });
  // The outcome line is one more row after the lines, outside the virtualizer so it is always
  // in the DOM (and announced by the live region) however far up the reader has scrolled.
  const outcomeHeight = outcome === undefined ? 0 : rowHeight;
  const totalHeight = virtualizer.getTotalSize() + outcomeHeight;

  // A new request starts at the top and follows its output again.
  useLayoutEffect(() => {
    if (request.id === undefined) return;
    sticking.current = true;
  }, [request.id]);

  // Follow new lines while the user is at the bottom: once per drawn frame at most (the line
  // count changes once per frame), writing scrollTop without reading layout first. The synthetic
  // scroll event tells the virtualizer at once (a browser's own scroll event comes later and
  // reads the same offset).
  const scrolledTo = useRef<number | undefined>(undefined);
  useLayoutEffect(() => {
    const element = scrollRef.current;
    if (element === null || !sticking.current || count + outcomeHeight === 0) return;
    const bottom = Math.max(
      0,
      totalHeight - viewportHeight(element, virtualizer.scrollRect?.height),
    );
    if (scrolledTo.current === bottom && virtualizer.scrollOffset === bottom) return;
    scrolledTo.current = bottom;
    element.scrollTop = bottom;
    // After the commit, not inside it (the virtualizer re-renders with flushSync), and before
    // paint, so the newest rows are drawn in the same frame.
    queueMicrotask(() => element.dispatchEvent(new Event("scroll")));
  }, [count, outcomeHeight, totalHeight, virtualizer]);

  // The rows change only when the drawn range does: a commit for a batch that is not drawn yet,
  // or for the parent's own reasons, reuses the same elements and React skips them.
  const items = virtualizer.getVirtualItems();
  // biome-ignore lint/correctness/useExhaustiveDependencies: chunks only grow within a request (its id is a dependency), and the items change whenever the drawn lines do
  const rows = useMemo(
    () =>
      items.map((item) => (
        <div
          key={item.key}
          className="tb-log__line"
          data-index={item.index}
          style={{
            position: "absolute",
            top: 0,
            left: 0,
            minWidth: "100%",
            height: rowHeight,
            transform: `translateY(${item.start}px)`,
          }}
        >
          {renderChunk(chunks[item.index] as TChunk, item.index)}
        </div>
      )),
    [items, request.id, renderChunk, rowHeight],
  );

  const onScroll = (): void => {
    const element = scrollRef.current;
    if (element === null) return;
    const bottom = totalHeight - viewportHeight(element, virtualizer.scrollRect?.height);
    sticking.current = element.scrollTop >= bottom - STICK_SLACK_PX;
  };

  return (
    <div
      ref={scrollRef}
      role="log"
      aria-live="polite"
      aria-label={label}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard to scroll it
      tabIndex={0}
      className={joinClassNames("tb-log", className)}
      data-state={request.status}
      data-cancelled={
        request.status === "error" && request.error?.code === "CANCELLED" ? "" : undefined
      }
      style={{ ...style, ["--tb-log-row-height" as string]: `${rowHeight}px` }}
      onScroll={onScroll}
    >
      {count === 0 ? (
        outcome === undefined && <p className="tb-log__empty">{emptyText}</p>
      ) : (
        <div
          className="tb-log__lines"
          style={{ height: totalHeight - outcomeHeight, position: "relative" }}
        >
          {rows}
        </div>
      )}
      {outcome !== undefined && (
        <div
          className="tb-log__outcome"
          data-state="error"
          data-code={outcome.code}
          style={{ height: rowHeight }}
        >
          {renderError(outcome)}
        </div>
      )}
    </div>
  );
}

function OwnStreamingLog<TChunk, TPayload>({
  type,
  transport,
  timeoutMs,
  payload,
  ...rest
}: StreamingLogBaseProps<TChunk> & OwnRequestProps & { readonly payload?: TPayload }) {
  const request = useBackendRequest<TPayload | null, TChunk>(type, { transport, timeoutMs });
  useAutoStart(request.send, payload ?? null);
  return <StreamingLogView {...rest} request={request} />;
}

/**
 * A request's chunks as lines of a log: `role="log"` with `aria-live="polite"`, following new
 * lines while the reader is at the bottom and staying put once they scroll up (until they
 * scroll back down). Virtualized with @tanstack/react-virtual, so 100,000 lines cost a screenful
 * of DOM rows. A request that fails or is cancelled ends the log with a line saying so
 * ("Stopped: <message>", `data-state="error"`; `showError={false}` leaves it out); a cancelled
 * one also carries `data-cancelled` on the log, which the stylesheet keeps out of the red. Fed
 * `request` from `useBackendRequest` it shows that request; given `type` and `payload` it starts
 * its own request when it mounts.
 *
 * @example
 * <StreamingLog request={build} renderChunk={(line: string) => <code>{line}</code>} />
 * <StreamingLog type="demo.count" payload={{ n: 100 }} label="Counter" />
 */
export function StreamingLog<TChunk = unknown, TPayload = unknown>(
  props: StreamingLogProps<TChunk, TPayload>,
) {
  if (props.request !== undefined) {
    const { request, type: _t, transport: _tr, timeoutMs: _ms, payload: _p, ...rest } = props;
    return <StreamingLogView {...rest} request={request} />;
  }
  return <OwnStreamingLog {...props} />;
}
