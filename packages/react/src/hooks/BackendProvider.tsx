import type { Transport } from "@taskbridge/core";
import { createContext, type ReactNode } from "react";

/** The transport of the nearest `BackendProvider`, or `null` outside one. */
export const TransportContext = createContext<Transport | null>(null);

export type BackendProviderProps = {
  readonly transport: Transport;
  readonly children?: ReactNode;
};

/**
 * Makes one transport available to every `useBackendRequest` and component below it, so the
 * same tree runs against the memory transport (tests, Storybook) or the Socket.IO one (the live
 * stack) by changing one prop. Create the transport once (module scope or `useState`), not on
 * every render: a new transport object starts new request stores.
 *
 * @example
 * const transport = createMemoryTransport({ handlers });
 * root.render(<BackendProvider transport={transport}><App /></BackendProvider>);
 */
export function BackendProvider({ transport, children }: BackendProviderProps) {
  return <TransportContext.Provider value={transport}>{children}</TransportContext.Provider>;
}
