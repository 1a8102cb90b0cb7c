import type { Transport } from "@taskbridge/core";
import { BackendProvider, StreamingLog } from "@taskbridge/react";

export function StreamingLogExample({ transport }: { transport: Transport }) {
  return (
    <BackendProvider transport={transport}>
      {/* Starts `build.run` when it mounts; change its `key` to run it again. */}
      <StreamingLog
        type="build.run"
        payload={{ steps: 3 }}
        label="Build log"
        emptyText="Waiting for the first line…"
        renderChunk={(line: string, index) => (
          <span>
            <span aria-hidden="true">{String(index + 1).padStart(4)} │ </span>
            {line}
          </span>
        )}
        // The last line when the build fails or is cancelled (default "Stopped: <message>").
        renderError={(error) => `✗ build stopped: ${error.message}`}
      />
    </BackendProvider>
  );
}
