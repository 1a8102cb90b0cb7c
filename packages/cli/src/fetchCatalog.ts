import type { Transport } from "@taskbridge/core";
import { fetchServices } from "@taskbridge/core";
import { createSocketIoTransport } from "@taskbridge/core/socket-io";
import type { CatalogService } from "./generateContractModule.js";

export type FetchCatalogOptions = {
  /** The gateway's origin, e.g. `http://localhost:8080`. */
  readonly gateway: string;
  /** A credential for the gateway's `authenticate` hook. */
  readonly token?: string;
  /** How long to wait for the catalog, connection included. Default 10 000 ms. */
  readonly timeoutMs?: number;
  /** Makes the transport; default a Socket.IO transport to `gateway` (inject one in tests). */
  readonly connect?: (gateway: string, token: string | undefined) => Transport;
};

/**
 * Asks a gateway for its live catalog: the built-in request `taskbridge.services` (docs/protocol.md
 * §3) over a Socket.IO transport, closed afterwards. Rejects with the error body the gateway
 * (or the transport: `TIMEOUT` when it cannot connect in time, `UNAUTHORIZED` …) gave.
 *
 * @example
 * const services = await fetchCatalog({ gateway: "http://localhost:8080" });
 */
export const fetchCatalog = async (options: FetchCatalogOptions): Promise<CatalogService[]> => {
  const connect =
    options.connect ??
    ((gateway: string, token: string | undefined) =>
      createSocketIoTransport({
        url: gateway,
        ...(token === undefined ? {} : { token }),
        timeoutGraceMs: 0,
      }));
  const transport = connect(options.gateway, options.token);
  try {
    return await fetchServices(transport, { timeoutMs: options.timeoutMs ?? 10_000 });
  } finally {
    await transport.close();
  }
};
