import type { ConnectionState, Transport } from "@taskbridge/core";
import { createMemoryTransport } from "@taskbridge/core";
import { act, render, screen } from "@testing-library/react";
import { BackendProvider } from "./BackendProvider.js";
import { useConnectionState } from "./useConnectionState.js";

const Status = ({ transport }: { transport?: Transport }) => (
  <p role="status">{useConnectionState(transport)}</p>
);

/** A transport whose connection state the test moves by hand: a transport is a plain object. */
const createSwitchableTransport = (): Transport & {
  set(state: ConnectionState): void;
  listeners(): number;
} => {
  let state: ConnectionState = "connecting";
  const listeners = new Set<(state: ConnectionState) => void>();
  return {
    send: () => {},
    cancel: () => {},
    getConnectionState: () => state,
    subscribeConnectionState: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: async () => {},
    listeners: () => listeners.size,
    set(next) {
      state = next;
      for (const listener of listeners) listener(next);
    },
  };
};

describe("useConnectionState", () => {
  it("shows the memory transport connected, then closed", async () => {
    const transport = createMemoryTransport({ handlers: {} });
    render(
      <BackendProvider transport={transport}>
        <Status />
      </BackendProvider>,
    );
    expect(screen.getByRole("status")).toHaveTextContent("connected");
    await act(() => transport.close());
    expect(screen.getByRole("status")).toHaveTextContent("closed");
  });

  it("follows every change of a transport's state, and unsubscribes on unmount", () => {
    const transport = createSwitchableTransport();
    const { unmount } = render(<Status transport={transport} />);
    expect(screen.getByRole("status")).toHaveTextContent("connecting");
    act(() => transport.set("connected"));
    expect(screen.getByRole("status")).toHaveTextContent("connected");
    act(() => transport.set("reconnecting"));
    expect(screen.getByRole("status")).toHaveTextContent("reconnecting");
    expect(transport.listeners()).toBe(1);
    unmount();
    expect(transport.listeners()).toBe(0);
  });
});
