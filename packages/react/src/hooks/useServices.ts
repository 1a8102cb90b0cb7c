import type { Transport } from "@taskbridge/core";
import { fetchServices, type ServiceCatalogEntry } from "@taskbridge/core";
import type { ErrorBody } from "@taskbridge/core/protocol";
import { useCallback, useEffect, useState } from "react";
import { useTransport } from "./useTransport.js";

export type UseServicesOptions = {
  /** The transport; default the nearest `BackendProvider`'s. */
  readonly transport?: Transport;
  /** Ask again every `refreshMs` (0: only on mount and `refresh()`). Default 0. */
  readonly refreshMs?: number;
};

export type UseServicesResult = {
  /** The catalog as last received (kept while a refresh runs or after it failed). */
  readonly services: readonly ServiceCatalogEntry[];
  /** `pending` until the first answer; then `success`, or `error` when the last ask failed. */
  readonly status: "pending" | "success" | "error";
  readonly error: ErrorBody | undefined;
  /** Ask again now. */
  readonly refresh: () => void;
};

type State = Omit<UseServicesResult, "refresh">;

const INITIAL: State = { services: [], status: "pending", error: undefined };

/**
 * The live service catalog of the server behind the transport (`taskbridge.services`,
 * docs/protocol.md §6): the developer's window into what is running, and what `ServiceCatalog`
 * renders. Asks on mount, on `refresh()` and every `refreshMs`; a request still running when
 * the component unmounts (or the next one starts) is cancelled.
 *
 * @example
 * const { services, status, refresh } = useServices({ refreshMs: 10_000 });
 * return <ul>{services.map((s) => <li key={s.type}>{s.type} ({s.workers.length} workers)</li>)}</ul>;
 */
export function useServices(options: UseServicesOptions = {}): UseServicesResult {
  const transport = useTransport(options.transport);
  const refreshMs = options.refreshMs ?? 0;
  const [state, setState] = useState<State>(INITIAL);
  const [asked, setAsked] = useState(0);
  const refresh = useCallback(() => setAsked((n) => n + 1), []);

  useEffect(() => {
    void asked;
    const controller = new AbortController();
    fetchServices(transport, { signal: controller.signal }).then(
      (services) => {
        if (!controller.signal.aborted) setState({ services, status: "success", error: undefined });
      },
      (error: ErrorBody) => {
        if (!controller.signal.aborted) setState((last) => ({ ...last, status: "error", error }));
      },
    );
    return () => controller.abort();
  }, [transport, asked]);

  useEffect(() => {
    if (refreshMs <= 0) return;
    const timer = setInterval(refresh, refreshMs);
    return () => clearInterval(timer);
  }, [refreshMs, refresh]);

  return { ...state, refresh };
}
