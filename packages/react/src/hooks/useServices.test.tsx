import { createMemoryTransport } from "@taskbridge/core";
import { createError } from "@taskbridge/core/protocol";
import { act, render, screen } from "@testing-library/react";
import { BackendProvider } from "./BackendProvider.js";
import { useServices } from "./useServices.js";

/** A memory transport whose `taskbridge.services` answers what the test sets. */
const catalogTransport = () => {
  let answer: unknown = { services: [] };
  let asked = 0;
  const transport = createMemoryTransport({
    handlers: {
      "taskbridge.services": () => {
        asked += 1;
        if (answer instanceof Error) throw createError("UNAVAILABLE", answer.message);
        return answer;
      },
    },
  });
  return {
    transport,
    asked: () => asked,
    set: (next: unknown) => {
      answer = next;
    },
  };
};

const Catalog = ({ refreshMs }: { refreshMs?: number }) => {
  const { services, status, error, refresh } = useServices(
    refreshMs === undefined ? {} : { refreshMs },
  );
  return (
    <div>
      <p role="status">
        {status}: {services.map((s) => s.type).join(", ") || "none"}
        {error ? ` (${error.code})` : ""}
      </p>
      <button type="button" onClick={refresh}>
        Refresh
      </button>
    </div>
  );
};

describe("useServices", () => {
  it("is pending, then lists the catalog; refresh() asks again", async () => {
    const backend = catalogTransport();
    backend.set({
      services: [
        { type: "b.two", workers: [] },
        { type: "a.one", workers: [] },
      ],
    });
    render(
      <BackendProvider transport={backend.transport}>
        <Catalog />
      </BackendProvider>,
    );
    expect(screen.getByRole("status")).toHaveTextContent("pending: none");
    expect(await screen.findByText("success: a.one, b.two")).toBeInTheDocument();

    backend.set({ services: [{ type: "c.three", workers: [] }] });
    act(() => screen.getByRole("button", { name: "Refresh" }).click());
    expect(await screen.findByText("success: c.three")).toBeInTheDocument();
    expect(backend.asked()).toBe(2);
    await backend.transport.close();
  });

  it("keeps the last catalog and says error when an ask fails", async () => {
    const backend = catalogTransport();
    backend.set({ services: [{ type: "a.one", workers: [] }] });
    render(
      <BackendProvider transport={backend.transport}>
        <Catalog />
      </BackendProvider>,
    );
    expect(await screen.findByText("success: a.one")).toBeInTheDocument();
    backend.set(new Error("gateway draining"));
    act(() => screen.getByRole("button", { name: "Refresh" }).click());
    expect(await screen.findByText("error: a.one (UNAVAILABLE)")).toBeInTheDocument();
    await backend.transport.close();
  });

  it("asks again every refreshMs, and stops when unmounted", async () => {
    const backend = catalogTransport();
    const { unmount } = render(
      <BackendProvider transport={backend.transport}>
        <Catalog refreshMs={20} />
      </BackendProvider>,
    );
    expect(await screen.findByText("success: none")).toBeInTheDocument();
    backend.set({ services: [{ type: "late.one", workers: [] }] });
    expect(await screen.findByText("success: late.one")).toBeInTheDocument();
    unmount();
    const asked = backend.asked();
    await act(() => new Promise((resolve) => setTimeout(resolve, 80)));
    expect(backend.asked()).toBe(asked);
    await backend.transport.close();
  });
});
