import type { Decorator, Preview } from "@storybook/react-vite";
import type { Transport } from "@taskbridge/core";
import { createMemoryTransport } from "@taskbridge/core";
import { referenceHandlers } from "@taskbridge/core/reference";
import type { createSocketIoTransport as CreateSocketIoTransport } from "@taskbridge/core/socket-io";
import { BackendProvider, useConnectionState } from "@taskbridge/react";
import { type ReactNode, useMemo } from "react";
import { startWorker } from "./mswWorker.js";

// socket.io-client must load after msw patched `WebSocket` (engine.io-client captures it when
// its module is evaluated), so the Socket.IO transport is imported only once msw runs, by
// `loadSocketIoTransport()` in the preview's `beforeAll`. A static import would be evaluated
// with this module, before the worker started.
let createSocketIoTransport: typeof CreateSocketIoTransport | undefined;

/**
 * Starts msw, then imports the Socket.IO transport. `preview.tsx` calls it in `beforeAll`, which
 * Storybook awaits before it renders any story.
 */
export const loadSocketIoTransport = async (): Promise<void> => {
  await startWorker();
  ({ createSocketIoTransport } = await import("@taskbridge/core/socket-io"));
};

/** The gateway URL of the live transport unless the toolbar or the URL says otherwise. */
export const DEFAULT_GATEWAY_URL =
  (import.meta as unknown as { env?: Record<string, string | undefined> }).env
    ?.STORYBOOK_GATEWAY_URL ?? "http://localhost:8080";

/** The toolbar: which transport the stories run on, and the live gateway's URL. */
export const transportGlobalTypes: Preview["globalTypes"] = {
  transport: {
    description: "The transport every story runs on",
    toolbar: {
      title: "Transport",
      icon: "transfer",
      items: [
        { value: "memory", title: "Memory transport (reference handlers)" },
        { value: "live", title: "Live gateway (Socket.IO)" },
      ],
      dynamicTitle: true,
    },
  },
  gatewayUrl: {
    description: "The live gateway's URL (another one: set STORYBOOK_GATEWAY_URL)",
    toolbar: {
      title: "Gateway",
      icon: "globe",
      items: [...new Set([DEFAULT_GATEWAY_URL, "http://localhost:8080"])].map((value) => ({
        value,
        title: value,
      })),
      dynamicTitle: true,
    },
  },
};

/** Stories start on the memory transport; the live one, when chosen, at the default URL. */
export const transportInitialGlobals = { transport: "memory", gatewayUrl: DEFAULT_GATEWAY_URL };

// One memory transport for all stories (the reference services), and one live transport per
// gateway URL, kept across stories so switching stories does not reconnect.
let memoryTransport: Transport | undefined;
const sharedMemoryTransport = (): Transport => {
  memoryTransport ??= createMemoryTransport({ handlers: referenceHandlers });
  return memoryTransport;
};
let live: { readonly url: string; readonly transport: Transport } | undefined;

/** The live Socket.IO transport for `url`, made once; a new URL closes the previous one. */
const liveTransport = (url: string): Transport => {
  if (live?.url === url) return live.transport;
  if (createSocketIoTransport === undefined) {
    throw new Error("the Socket.IO transport is not loaded yet (preview.tsx's beforeAll loads it)");
  }
  void live?.transport.close();
  live = { url, transport: createSocketIoTransport({ url }) };
  return live.transport;
};

function ConnectionBadge({ url }: { url: string }) {
  const state = useConnectionState();
  return (
    <p className="tb-sb-connection" data-connection-state={state}>
      Live gateway {url}: <strong>{state}</strong>
    </p>
  );
}

function LiveBackend({ url, children }: { url: string; children: ReactNode }) {
  const transport = useMemo(() => liveTransport(url), [url]);
  return (
    <BackendProvider transport={transport}>
      <ConnectionBadge url={url} />
      {children}
    </BackendProvider>
  );
}

/**
 * The global decorator: every story gets a transport through `BackendProvider`. By default the
 * memory transport running the reference services (`demo.echo`, `demo.count`, `demo.progress`,
 * `demo.fail`); with the toolbar's Transport set to "live", the Socket.IO transport at the
 * Gateway URL, with its connection state shown above the story. Stories that build their own
 * memory transport (`withSimulatedBackend`) step aside in live mode.
 */
export const withTransport: Decorator = (Story, context) => {
  if (context.globals.transport === "live") {
    return (
      <LiveBackend url={String(context.globals.gatewayUrl || DEFAULT_GATEWAY_URL)}>
        <Story />
      </LiveBackend>
    );
  }
  return (
    <BackendProvider transport={sharedMemoryTransport()}>
      <Story />
    </BackendProvider>
  );
};
