import type { Transport } from "../../index.js";
import { BackendProvider, ProgressPanel } from "../../react.js";

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
