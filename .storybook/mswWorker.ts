import { setupWorker } from "msw/browser";

/**
 * The one msw worker of Storybook, started at module evaluation. It must be running before
 * socket.io-client is loaded, because engine.io-client captures `globalThis.WebSocket` when its
 * module is evaluated; `preview.tsx` imports this module first and loads the Socket.IO transport
 * only through dynamic `import()`. Requests no handler claims pass through untouched.
 */
export const worker = setupWorker();

await worker.start({ onUnhandledRequest: "bypass", quiet: true });
