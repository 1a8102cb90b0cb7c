import type { Transport } from "@taskbridge/core";
import { BackendProvider, ProgressPanel } from "@taskbridge/react";

export function ProgressPanelExample({ transport }: { transport: Transport }) {
  return (
    <BackendProvider transport={transport}>
      <ProgressPanel
        type="build.run"
        payload={{ steps: 4 }}
        label="Build progress"
        className="my-panel"
        style={{ ["--tb-accent" as string]: "rebeccapurple" }}
      />
    </BackendProvider>
  );
}
