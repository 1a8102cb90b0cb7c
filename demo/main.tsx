// The demo's entry: fetch what the server says about itself, open the Socket.IO transport to
// the gateway on this same origin, and render the app.

import { createSocketIoTransport } from "@taskbridge/core/socket-io";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App.js";
import { DEMO_CONFIG_PATH, type DemoConfig } from "./demoConfig.js";
import "@taskbridge/react/taskbridge.css";
import "./demo.css";

const FALLBACK_CONFIG: DemoConfig = {
  mode: "live",
  python: { available: false, note: "The demo server did not say whether Python runs." },
};

const loadConfig = async (): Promise<DemoConfig> => {
  try {
    const response = await fetch(DEMO_CONFIG_PATH, { cache: "no-store" });
    return response.ok ? ((await response.json()) as DemoConfig) : FALLBACK_CONFIG;
  } catch {
    return FALLBACK_CONFIG;
  }
};

const root = document.getElementById("root");
if (root === null) throw new Error("index.html lacks #root");

loadConfig().then((config) => {
  const transport = createSocketIoTransport();
  createRoot(root).render(
    <StrictMode>
      <App transport={transport} config={config} />
    </StrictMode>,
  );
});
