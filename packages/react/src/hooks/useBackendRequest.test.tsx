import type { Transport } from "@taskbridge/core";
import { createMemoryTransport, simulateWorkerCrash } from "@taskbridge/core";
import { defineHandlers, type ErrorBody, type HandlerContext } from "@taskbridge/core/protocol";
import { act, render, renderHook, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Profiler, type ReactNode, StrictMode, useEffect, useRef } from "react";
import { BackendProvider } from "./BackendProvider.js";
import { useBackendRequest } from "./useBackendRequest.js";

const deferred = () => {
  let open: () => void = () => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
};

/** Resolves when the handler's signal is aborted: a handler that runs until it is stopped. */
const untilAborted = (ctx: { readonly signal: AbortSignal }) =>
  new Promise<never>((_, reject) => {
    ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason), { once: true });
  });

let transport: Transport;
let gate: ReturnType<typeof deferred>;
let aborted: string[];
let started: number;

beforeEach(() => {
  gate = deferred();
  aborted = [];
  started = 0;
  transport = createMemoryTransport({
    handlers: defineHandlers({
      "t.echo": (payload: unknown) => payload,
      "t.lines": async (payload: { n: number }, ctx: HandlerContext<string>) => {
        for (let i = 0; i < payload.n; i++) ctx.emit(`line ${i}`);
        await gate.promise;
        return { lines: payload.n };
      },
      "t.forever": async (_payload: unknown, ctx: HandlerContext<string>) => {
        started++;
        ctx.signal.addEventListener("abort", () => aborted.push(ctx.id));
        ctx.emit("working");
        return untilAborted(ctx);
      },
      "t.fail": () => {
        throw new Error("disk full");
      },
      "t.flaky": async (_payload: unknown, ctx: HandlerContext<string>) => {
        ctx.emit(`attempt ${ctx.attempt}`);
        if (ctx.attempt === 1) throw simulateWorkerCrash();
        await gate.promise;
        return "recovered";
      },
    }),
  });
});

afterEach(async () => {
  await transport.close();
});

const wrapper = ({ children }: { children: ReactNode }) => (
  <BackendProvider transport={transport}>{children}</BackendProvider>
);

describe("useBackendRequest", () => {
  it("starts idle, then goes pending, streaming and success with the result", async () => {
    const onChunk = jest.fn();
    const onSuccess = jest.fn();
    const { result } = renderHook(
      () =>
        useBackendRequest<{ n: number }, string, { lines: number }>("t.lines", {
          onChunk,
          onSuccess,
        }),
      { wrapper },
    );
    expect(result.current).toMatchObject({ status: "idle", isIdle: true, chunks: [], attempt: 1 });

    act(() => result.current.send({ n: 3 }));
    expect(result.current).toMatchObject({ status: "pending", isPending: true });
    expect(result.current.id).toEqual(expect.any(String));

    await waitFor(() => expect(result.current.status).toBe("streaming"));
    expect(result.current.isStreaming).toBe(true);
    expect(result.current.chunks).toEqual(["line 0", "line 1", "line 2"]);
    expect(onChunk).toHaveBeenCalledTimes(3);

    act(() => gate.open());
    await waitFor(() => expect(result.current.status).toBe("success"));
    expect(result.current).toMatchObject({ isSuccess: true, data: { lines: 3 } });
    expect(onSuccess).toHaveBeenCalledWith({ lines: 3 });
  });

  it("sendAsync resolves with the result", async () => {
    const { result } = renderHook(() => useBackendRequest("t.echo"), { wrapper });
    let data: unknown;
    await act(async () => {
      data = await result.current.sendAsync({ hello: "world" });
    });
    expect(data).toEqual({ hello: "world" });
    expect(result.current.data).toEqual({ hello: "world" });
  });

  it("shows a handler's error, calls onError, and sendAsync rejects with the error body", async () => {
    const onError = jest.fn();
    const { result } = renderHook(() => useBackendRequest("t.fail", { onError }), { wrapper });
    let rejection: ErrorBody | undefined;
    await act(async () => {
      await result.current.sendAsync(null).catch((error: ErrorBody) => {
        rejection = error;
      });
    });
    expect(rejection).toMatchObject({ code: "WORKER_ERROR", message: "disk full" });
    expect(result.current).toMatchObject({ status: "error", isError: true });
    expect(result.current.error).toMatchObject({ code: "WORKER_ERROR", message: "disk full" });
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: "disk full" }));
  });

  it("send swallows the rejection: the error shows in state only", async () => {
    const { result } = renderHook(() => useBackendRequest("t.fail"), { wrapper });
    act(() => result.current.send(null));
    await waitFor(() => expect(result.current.error?.message).toBe("disk full"));
  });

  it("an unknown type ends in error UNKNOWN_TYPE", async () => {
    const { result } = renderHook(() => useBackendRequest("t.nobody"), { wrapper });
    act(() => result.current.send(null));
    await waitFor(() => expect(result.current.error?.code).toBe("UNKNOWN_TYPE"));
  });

  it("cancel ends the request CANCELLED and aborts the handler's signal", async () => {
    const { result } = renderHook(() => useBackendRequest("t.forever"), { wrapper });
    act(() => result.current.send(null));
    await waitFor(() => expect(result.current.chunks).toEqual(["working"]));
    act(() => result.current.cancel());
    expect(result.current.error?.code).toBe("CANCELLED");
    await waitFor(() => expect(aborted).toEqual([result.current.id]));
  });

  it("reset returns to idle", async () => {
    const { result } = renderHook(() => useBackendRequest("t.echo"), { wrapper });
    await act(() => result.current.sendAsync(1));
    act(() => result.current.reset());
    expect(result.current).toMatchObject({ status: "idle", data: undefined, id: undefined });
  });

  it("times out with TIMEOUT after timeoutMs", async () => {
    const { result } = renderHook(() => useBackendRequest("t.forever", { timeoutMs: 50 }), {
      wrapper,
    });
    act(() => result.current.send(null));
    await waitFor(() => expect(result.current.error?.code).toBe("TIMEOUT"));
  });

  it("follows a restart: attempt 2, the first attempt's chunks dropped", async () => {
    const onRestart = jest.fn();
    const { result } = renderHook(() => useBackendRequest("t.flaky", { onRestart }), { wrapper });
    act(() => result.current.send(null));
    await waitFor(() => expect(result.current.attempt).toBe(2));
    await waitFor(() => expect(result.current.chunks).toEqual(["attempt 2"]));
    expect(onRestart).toHaveBeenCalledWith(2);
    act(() => gate.open());
    await waitFor(() => expect(result.current.data).toBe("recovered"));
  });

  it("uses the transport option over the provider's", async () => {
    const other = createMemoryTransport({ handlers: { "t.who": () => "other" } });
    const { result } = renderHook(() => useBackendRequest("t.who", { transport: other }));
    await act(() => result.current.sendAsync(null));
    expect(result.current.data).toBe("other");
    await other.close();
  });

  it("says how to fix a missing transport", () => {
    const quiet = jest.spyOn(console, "error").mockImplementation(() => {});
    expect(() => renderHook(() => useBackendRequest("t.echo"))).toThrow(/BackendProvider/);
    quiet.mockRestore();
  });
});

const StartOnMount = () => {
  const request = useBackendRequest<null, string>("t.forever");
  const once = useRef(false);
  useEffect(() => {
    if (once.current) return;
    once.current = true;
    request.send(null);
  }, [request.send]);
  return <p data-testid="state">{`${request.status} ${request.chunks.join(",")}`}</p>;
};

const Echo = () => {
  const request = useBackendRequest("t.echo");
  return (
    <button type="button" onClick={() => request.send("pong")}>
      {request.isSuccess ? String(request.data) : "ping"}
    </button>
  );
};

const Lines = () => {
  const request = useBackendRequest<{ n: number }, string>("t.lines");
  return (
    <>
      <button type="button" onClick={() => request.send({ n: 10_000 })}>
        run
      </button>
      <output data-state={request.status}>{request.chunks.length}</output>
    </>
  );
};

describe("useBackendRequest and the component's life", () => {
  it("cancels a stream when the component unmounts: the handler stops, React stays quiet", async () => {
    const consoleError = jest.spyOn(console, "error");
    const { result, unmount } = renderHook(() => useBackendRequest("t.forever"), { wrapper });
    act(() => result.current.send(null));
    await waitFor(() => expect(result.current.isStreaming).toBe(true));
    const id = result.current.id;
    unmount();
    await waitFor(() => expect(aborted).toEqual([id]));
    expect(consoleError).not.toHaveBeenCalled();
    consoleError.mockRestore();
  });

  it("does not call callbacks after unmount", async () => {
    const onError = jest.fn();
    const { result, unmount } = renderHook(() => useBackendRequest("t.forever", { onError }), {
      wrapper,
    });
    act(() => result.current.send(null));
    await waitFor(() => expect(result.current.isStreaming).toBe(true));
    unmount();
    await waitFor(() => expect(aborted).toHaveLength(1));
    expect(onError).not.toHaveBeenCalled();
  });

  it("cancels the request in flight when the type changes, and follows the new type", async () => {
    const { result, rerender } = renderHook(({ type }) => useBackendRequest(type), {
      wrapper,
      initialProps: { type: "t.forever" },
    });
    act(() => result.current.send(null));
    await waitFor(() => expect(result.current.isStreaming).toBe(true));
    rerender({ type: "t.echo" });
    expect(result.current.status).toBe("idle");
    await waitFor(() => expect(aborted).toHaveLength(1));
    await act(() => result.current.sendAsync("second"));
    expect(result.current.data).toBe("second");
  });

  it("in StrictMode, a request started on mount runs once and is not cancelled by the double mount", async () => {
    const { unmount } = render(
      <StrictMode>
        <BackendProvider transport={transport}>
          <StartOnMount />
        </BackendProvider>
      </StrictMode>,
    );
    await waitFor(() => expect(screen.getByTestId("state")).toHaveTextContent("streaming working"));
    // A wrong cancel would have been delivered by now (it is one microtask away).
    await act(() => Promise.resolve());
    expect(screen.getByTestId("state")).toHaveTextContent("streaming working");
    expect(started).toBe(1);
    expect(aborted).toEqual([]);

    unmount();
    await waitFor(() => expect(aborted).toHaveLength(1));
  });

  it("in StrictMode, clicks run requests normally", async () => {
    const user = userEvent.setup();
    render(
      <StrictMode>
        <BackendProvider transport={transport}>
          <Echo />
        </BackendProvider>
      </StrictMode>,
    );
    await user.click(screen.getByRole("button", { name: "ping" }));
    expect(await screen.findByRole("button", { name: "pong" })).toBeInTheDocument();
  });
});

describe("useBackendRequest batching", () => {
  it("renders a burst of 10,000 chunks in a handful of commits, not 10,000", async () => {
    let commits = 0;
    const user = userEvent.setup();
    render(
      <BackendProvider transport={transport}>
        <Profiler id="lines" onRender={() => commits++}>
          <Lines />
        </Profiler>
      </BackendProvider>,
    );
    const before = commits;
    await user.click(screen.getByRole("button", { name: "run" }));
    await waitFor(() => expect(screen.getByRole("status")).toHaveTextContent("10000"));
    const rendersForBurst = commits - before;
    // idle → pending, then the whole burst: a few commits, whatever the machine's load.
    expect(rendersForBurst).toBeLessThanOrEqual(10);
    act(() => gate.open());
    await waitFor(() =>
      expect(screen.getByRole("status")).toHaveAttribute("data-state", "success"),
    );
  });
});
