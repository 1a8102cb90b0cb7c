import { experimental_UniversalStore } from "storybook/manager-api";

/**
 * Works around a start-up race of Storybook's dev server (`npm run storybook`; static builds are
 * not affected). In development the manager's shared stores (`storybook/status`,
 * `storybook/test-provider`, `storybook/checklist`) are followers of a leader in the dev server,
 * and each follower gives up — "Timed out waiting for leader state for UniversalStore follower"
 * — unless the leader's state is handled within 1 s of the manager creating its channel. The
 * manager shares its main thread with the same-origin preview iframe, which on a cold load spends
 * seconds evaluating the preview and rendering the first story, so on a slow or busy machine the
 * 1 s timer fires before the reply (already received) is handled, and the stores stay in their
 * error state until a reload.
 *
 * Storybook prepares the stores (and starts those timers) in `UniversalStore.__prepare`, called
 * when the manager creates its channel, after the addons' manager entries (this file) ran. Here
 * that call waits until the server socket is open, the preview has rendered its first story or
 * docs page, and the main thread is idle (at most 15 s), so the 1 s measures a round trip rather than the
 * start-up. Should Storybook's internals change shape (no `__prepare`, no socket), nothing is
 * deferred. The cold-load check of `scripts/test-stories.mjs` runs against the dev server and
 * fails on these errors.
 */
type Prepare = (channel: unknown, environment: unknown) => void;
type ManagerChannel = {
  readonly transports?: readonly { readonly socket?: unknown }[];
  readonly on?: (event: string, listener: () => void) => void;
  readonly off?: (event: string, listener: () => void) => void;
};

/** Events by which the preview says its first story or docs page is rendered (or failed). */
const FIRST_RENDER_DONE = [
  "storyRendered",
  "docsRendered",
  "storyErrored",
  "storyMissing",
  "storyThrewException",
];
/** The longest the stores wait for the preview: past it they are prepared regardless. */
const MAX_DEFER_MS = 15_000;

const store = experimental_UniversalStore as unknown as { __prepare?: Prepare };
const prepare = store.__prepare;

if (typeof prepare === "function") {
  store.__prepare = (channel, environment) => {
    const socket = (channel as ManagerChannel).transports
      ?.map((transport) => transport.socket)
      .find((candidate): candidate is WebSocket => candidate instanceof WebSocket);
    const { on, off } = channel as ManagerChannel;
    if (socket === undefined || typeof on !== "function" || typeof off !== "function") {
      prepare.call(store, channel, environment);
      return;
    }
    let prepared = false;
    const go = (): void => {
      if (prepared) return;
      prepared = true;
      for (const event of FIRST_RENDER_DONE) off.call(channel, event, onRendered);
      prepare.call(store, channel, environment);
    };
    const whenIdle = (): void => {
      if (typeof requestIdleCallback === "function") requestIdleCallback(go, { timeout: 2_000 });
      else setTimeout(go, 0);
    };
    let rendered = false;
    const ready = (): void => {
      if (rendered && socket.readyState !== WebSocket.CONNECTING) whenIdle();
    };
    const onRendered = (): void => {
      rendered = true;
      ready();
    };
    for (const event of FIRST_RENDER_DONE) on.call(channel, event, onRendered);
    socket.addEventListener("open", ready, { once: true });
    socket.addEventListener("close", ready, { once: true });
    setTimeout(go, MAX_DEFER_MS);
  };
}
