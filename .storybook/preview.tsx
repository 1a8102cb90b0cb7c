import "@taskbridge/react/taskbridge.css";
import "./preview.css";
import type { Preview } from "@storybook/react-vite";
import { mswLoader } from "msw-storybook-addon/csf3";
import { configure } from "storybook/test";
import { worker } from "./mswWorker.js";
import {
  loadSocketIoTransport,
  transportGlobalTypes,
  transportInitialGlobals,
  withTransport,
} from "./withTransport.js";

// `waitFor` and `findBy*` in play functions wait up to 10 s (not 1 s): stories stream on real
// timers, and CI machines are slow and shared.
configure({ asyncUtilTimeout: 10_000 });

const preview: Preview = {
  // Starts msw, then loads socket.io-client (it must see msw's `WebSocket`; mswWorker.ts). In
  // `beforeAll`, not a top-level `await`: Storybook makes its preview at once, so it hears a
  // story selected while msw starts, and awaits this before it loads story files or renders.
  beforeAll: async () => {
    await loadSocketIoTransport();
  },
  loaders: [mswLoader(() => worker)],
  decorators: [withTransport],
  globalTypes: transportGlobalTypes,
  initialGlobals: transportInitialGlobals,
  tags: ["autodocs"],
  parameters: {
    layout: "padded",
    controls: { matchers: { color: /(background|color)$/i, date: /Date$/i } },
    // axe runs after every story: the a11y panel lists all violations as warnings, and the
    // test-runner (`.storybook/test-runner.ts`) fails a story on serious or critical ones.
    a11y: { test: "todo" },
  },
};

export default preview;
