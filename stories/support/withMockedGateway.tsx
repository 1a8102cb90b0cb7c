import type { Decorator } from "@storybook/react-vite";
import { createSocketIoTransport } from "@taskbridge/core/socket-io";
import { BackendProvider, useConnectionState } from "@taskbridge/react";
import { type ReactNode, useEffect, useMemo } from "react";
import { MOCK_GATEWAY_URL } from "../msw/mockGateway.js";

function ConnectionLine() {
  const state = useConnectionState();
  return (
    <p className="tb-sb-connection" data-gateway="mock" data-connection-state={state}>
      Mocked gateway {MOCK_GATEWAY_URL}: <strong>{state}</strong>
    </p>
  );
}

function MockedGatewayBackend({ children }: { children: ReactNode }) {
  const transport = useMemo(
    () =>
      createSocketIoTransport({
        url: MOCK_GATEWAY_URL,
        // msw intercepts WebSockets, not engine.io's HTTP long-polling.
        socketOptions: { transports: ["websocket"], reconnectionDelay: 200 },
      }),
    [],
  );
  useEffect(() => () => void transport.close(), [transport]);
  return (
    <BackendProvider transport={transport}>
      <ConnectionLine />
      {children}
    </BackendProvider>
  );
}

/**
 * Story decorator: the story runs on the real `createSocketIoTransport`, connected to
 * `MOCK_GATEWAY_URL`, where an msw handler from `stories/msw/` (set in the story's
 * `parameters.msw.handlers`) plays the gateway. The connection state is shown above the story.
 * socket.io-client is imported statically here: story files load after `.storybook/preview.tsx`
 * has started msw, so engine.io-client captures msw's patched `WebSocket`.
 */
export const withMockedGateway: Decorator = (Story) => (
  <MockedGatewayBackend>
    <Story />
  </MockedGatewayBackend>
);
