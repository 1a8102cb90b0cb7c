import type { Transport } from "@taskbridge/core";
import {
  BackendProvider,
  ProgressPanel,
  RequestButton,
  StreamingLog,
  useBackendRequest,
} from "@taskbridge/react";
import type { BuildPayload } from "./demoTransport.js";

function BuildPage() {
  // One request drives all three components.
  const build = useBackendRequest<BuildPayload, string, { steps: number }>("build.run");
  return (
    <section aria-label="Build">
      {/* The panel's status says how it ended, so the button need not. */}
      <RequestButton request={build} payload={{ steps: 5 }} cancelable showError={false}>
        Build
      </RequestButton>
      <ProgressPanel request={build} label="Build progress" />
      <StreamingLog request={build} label="Build log" />
    </section>
  );
}

export function ComposedExample({ transport }: { transport: Transport }) {
  return (
    <BackendProvider transport={transport}>
      <BuildPage />
    </BackendProvider>
  );
}
