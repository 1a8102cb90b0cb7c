import { useEffect, useRef } from "react";

/**
 * Sends once per `send` function when the component mounts: what a `StreamingLog` or
 * `ProgressPanel` bound to its own request does. The ref survives StrictMode's simulated
 * remount, so development mode does not start the request twice; a new `send` (another type
 * or transport) starts again. To run again with another payload, change the component's `key`.
 */
export function useAutoStart<TPayload>(send: (payload: TPayload) => void, payload: TPayload): void {
  const startedFor = useRef<((payload: TPayload) => void) | null>(null);
  useEffect(() => {
    if (startedFor.current === send) return;
    startedFor.current = send;
    send(payload);
  }, [send, payload]);
}
