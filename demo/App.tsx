import type { Transport } from "@taskbridge/core";
import { BackendProvider } from "@taskbridge/react";
import { ConnectionBadge } from "./components/ConnectionBadge.js";
import { ErrorDemo } from "./components/ErrorDemo.js";
import { LongTask } from "./components/LongTask.js";
import { ModeBanner } from "./components/ModeBanner.js";
import { QuickRequest } from "./components/QuickRequest.js";
import { StreamedLog } from "./components/StreamedLog.js";
import type { DemoConfig } from "./demoConfig.js";

export type AppProps = {
  readonly transport: Transport;
  readonly config: DemoConfig;
};

/**
 * The demo page: the taskbridge components doing real work through whatever `transport` it is
 * given (the Socket.IO transport to the demo's gateway in `main.tsx`; a memory transport works
 * just as well), laid out as one card per feature.
 */
export function App({ transport, config }: AppProps) {
  return (
    <BackendProvider transport={transport}>
      <div className="demo-page">
        <header className="demo-header">
          <div>
            <h1>taskbridge</h1>
            <p className="demo-tagline">
              Backend tasks from React, as if they were async functions.
            </p>
          </div>
          <ConnectionBadge />
        </header>
        <ModeBanner mode={config.mode} />
        <main className="demo-grid">
          <QuickRequest />
          <LongTask />
          <StreamedLog />
          <ErrorDemo />
          <StreamedLog
            requestType="py.demo.count"
            title="Python task"
            description="The same streamed count, answered by the Python worker (aio-pika) from its own queue."
            lines={30}
            delayMs={40}
            unavailable={config.python.available ? undefined : config.python.note}
          />
        </main>
        <footer className="demo-footer">
          Components: <code>RequestButton</code>, <code>ProgressPanel</code>,{" "}
          <code>StreamingLog</code>, <code>useConnectionState</code> from{" "}
          <code>@taskbridge/react</code>. See <code>docs/architecture.md</code>.
        </footer>
      </div>
    </BackendProvider>
  );
}
