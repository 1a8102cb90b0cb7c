import type { Transport } from "@taskbridge/core";
import { useContext } from "react";
import { TransportContext } from "./BackendProvider.js";

/**
 * The transport to use: `override` when given, else the nearest `BackendProvider`'s. Throws a
 * message that says how to fix it when there is neither, because a silent no-op transport
 * would leave requests pending forever.
 */
export function useTransport(override?: Transport): Transport {
  const fromContext = useContext(TransportContext);
  const transport = override ?? fromContext;
  if (transport === null) {
    throw new Error(
      "taskbridge: no transport. Wrap the tree in <BackendProvider transport={...}> or pass a `transport` option.",
    );
  }
  return transport;
}
