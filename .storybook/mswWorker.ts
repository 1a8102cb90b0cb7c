import { setupWorker } from "msw/browser";

/**
 * The one msw worker of Storybook. Created here, started by `startWorker()` in the preview's
 * `beforeAll` (`preview.tsx`), which Storybook awaits before it loads any story file or renders
 * anything. It must be running before socket.io-client is loaded, because msw patches
 * `WebSocket` in `start()` and engine.io-client captures `globalThis.WebSocket` when its module
 * is evaluated: story files are loaded after `beforeAll`, and `withTransport.tsx` imports the
 * Socket.IO transport only after `startWorker()`. Requests no handler claims pass through.
 *
 * Not a top-level `await`: that held back the preview module, so Storybook's preview object was
 * made only after the service worker was up, while its channel existed and the page's `load`
 * event had already fired (a top-level `await` does not delay `load`). A test-runner that
 * selected a story in that window was never heard, and waited for the story until it timed out.
 */
export const worker = setupWorker();

let started: Promise<unknown> | undefined;

/** Starts the worker once; every call resolves when it is running. */
export const startWorker = (): Promise<unknown> => {
  started ??= worker.start({ onUnhandledRequest: "bypass", quiet: true });
  return started;
};
