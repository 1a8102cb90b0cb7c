import type { ConnectionState, Transport } from "@taskbridge/core";
import { useCallback, useSyncExternalStore } from "react";
import { useTransport } from "./useTransport.js";

/**
 * The transport's connection state (`connecting`, `connected`, `reconnecting`, `disconnected`,
 * `closed`), re-rendering on each change: for an "offline" banner or a status dot.
 *
 * @example
 * const state = useConnectionState();
 * return state === "connected" ? null : <p role="status">Reconnecting…</p>;
 */
export function useConnectionState(transport?: Transport): ConnectionState {
  const resolved = useTransport(transport);
  const subscribe = useCallback(
    (onChange: () => void) => resolved.subscribeConnectionState(() => onChange()),
    [resolved],
  );
  return useSyncExternalStore(subscribe, resolved.getConnectionState, resolved.getConnectionState);
}
