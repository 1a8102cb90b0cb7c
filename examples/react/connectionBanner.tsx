import type { Transport } from "@taskbridge/core";
import { BackendProvider, useConnectionState } from "@taskbridge/react";

function ConnectionBanner() {
  const state = useConnectionState();
  if (state === "connected") return null;
  return <p role="status">Connection {state}: requests resume when it is back.</p>;
}

export function ConnectionBannerExample({ transport }: { transport: Transport }) {
  return (
    <BackendProvider transport={transport}>
      <ConnectionBanner />
    </BackendProvider>
  );
}
