import { useConnectionState } from "@taskbridge/react";

const LABELS = {
  connecting: "Connecting…",
  connected: "Connected",
  reconnecting: "Reconnecting…",
  disconnected: "Disconnected",
  closed: "Closed",
} as const;

/**
 * The Socket.IO link to the gateway as a status pill (`role="status"`), driven by
 * `useConnectionState`: stop the demo server and it turns to "Reconnecting…"; start it again and
 * requests in flight resume.
 */
export function ConnectionBadge() {
  const state = useConnectionState();
  return (
    <p className="demo-badge" data-connection={state} role="status" aria-label="Connection">
      <span className="demo-badge__dot" aria-hidden="true" />
      {LABELS[state]}
    </p>
  );
}
