import type { ServiceCatalogEntry, Transport } from "@taskbridge/core";
import type { ErrorBody } from "@taskbridge/core/protocol";
import { type CSSProperties, useId } from "react";
import { useServices } from "../hooks/useServices.js";
import { joinClassNames } from "./requestProps.js";

export type ServiceCatalogBaseProps = {
  /** The heading. Default "Services". */
  readonly label?: string;
  readonly className?: string;
  readonly style?: CSSProperties;
};

export type ServiceCatalogProps = ServiceCatalogBaseProps &
  (
    | {
        /** Ask this transport (default: the `BackendProvider`'s) for `taskbridge.services`. */
        readonly transport?: Transport;
        /** Ask again every `refreshMs` (0: on mount and on the Refresh button). Default 10 000. */
        readonly refreshMs?: number;
        readonly services?: never;
      }
    | {
        /** A catalog to show as it is (from your own `useServices`, a fixture, a snapshot). */
        readonly services: readonly ServiceCatalogEntry[];
        readonly transport?: never;
        readonly refreshMs?: never;
      }
  );

const SCHEMAS = [
  ["payloadSchema", "Payload schema"],
  ["chunkSchema", "Chunk schema"],
  ["resultSchema", "Result schema"],
] as const;

function ServiceItem({ service }: { readonly service: ServiceCatalogEntry }) {
  const typeId = useId();
  const schemas = SCHEMAS.filter(([key]) => service[key] !== undefined);
  // Named by its type alone: version and stale marker are read with the heading.
  return (
    <li
      className="tb-catalog__service"
      aria-labelledby={typeId}
      data-stale={service.stale ? "" : undefined}
    >
      <h3 className="tb-catalog__type">
        <code id={typeId}>{service.type}</code>
        {service.version !== undefined && (
          <span className="tb-catalog__version"> v{service.version}</span>
        )}
        {service.stale && <span className="tb-catalog__stale"> (stale)</span>}
      </h3>
      {service.description !== undefined && (
        <p className="tb-catalog__description">{service.description}</p>
      )}
      {service.workers.length === 0 ? (
        <p className="tb-catalog__workers">No live worker</p>
      ) : (
        <ul className="tb-catalog__workers" aria-label={`Workers of ${service.type}`}>
          {service.workers.map((worker) => (
            <li key={worker.id} data-language={worker.language}>
              <code>{worker.id}</code> · {worker.language} · SDK {worker.sdkVersion}
            </li>
          ))}
        </ul>
      )}
      {schemas.length === 0 ? (
        <p className="tb-catalog__schema">No schemas announced</p>
      ) : (
        schemas.map(([key, title]) => (
          <details key={key} className="tb-catalog__schema">
            <summary>{title}</summary>
            <pre>
              <code>{JSON.stringify(service[key], null, 2)}</code>
            </pre>
          </details>
        ))
      )}
    </li>
  );
}

/** What the status line says. */
export const describeCatalog = (
  status: "pending" | "success" | "error",
  count: number,
  error: ErrorBody | undefined,
): string => {
  if (status === "pending") return "Loading services…";
  if (status === "error")
    return `Could not load the services: ${error?.message ?? "unknown error"}`;
  if (count === 0) return "No services are announced";
  return count === 1 ? "1 service" : `${count} services`;
};

function ServiceCatalogView({
  services,
  status,
  error,
  refresh,
  label = "Services",
  className,
  style,
}: ServiceCatalogBaseProps & {
  readonly services: readonly ServiceCatalogEntry[];
  readonly status: "pending" | "success" | "error";
  readonly error: ErrorBody | undefined;
  readonly refresh: (() => void) | undefined;
}) {
  const headingId = useId();
  return (
    <section
      className={joinClassNames("tb-catalog", className)}
      style={style}
      aria-labelledby={headingId}
      aria-busy={status === "pending"}
      data-state={status}
    >
      <h2 id={headingId} className="tb-catalog__title">
        {label}
      </h2>
      <p className="tb-catalog__status" role={status === "error" ? "alert" : "status"}>
        {describeCatalog(status, services.length, error)}
      </p>
      {refresh !== undefined && (
        <button type="button" className="tb-button tb-catalog__refresh" onClick={refresh}>
          Refresh
        </button>
      )}
      {services.length > 0 && (
        <ul className="tb-catalog__list">
          {services.map((service) => (
            <ServiceItem key={service.type} service={service} />
          ))}
        </ul>
      )}
    </section>
  );
}

function LiveServiceCatalog({
  transport,
  refreshMs = 10_000,
  ...rest
}: ServiceCatalogBaseProps & { readonly transport?: Transport; readonly refreshMs?: number }) {
  const catalog = useServices({ ...(transport === undefined ? {} : { transport }), refreshMs });
  return <ServiceCatalogView {...rest} {...catalog} />;
}

/**
 * Lists the services running behind the transport — type, description, version, the workers
 * announcing each (id, language, SDK version), the payload, chunk and result JSON Schemas in
 * collapsible sections, and a stale marker — refreshed every `refreshMs` and by its Refresh
 * button: the developer's window into what is running (`useServices` underneath). Given
 * `services`, it shows that catalog instead. `data-state` is `pending`, `success` or `error`.
 *
 * @example
 * <BackendProvider transport={transport}><ServiceCatalog refreshMs={5000} /></BackendProvider>
 */
export function ServiceCatalog(props: ServiceCatalogProps) {
  if (props.services !== undefined) {
    const { services, transport: _t, refreshMs: _r, ...rest } = props;
    return (
      <ServiceCatalogView
        {...rest}
        services={services}
        status="success"
        error={undefined}
        refresh={undefined}
      />
    );
  }
  const { services: _s, ...rest } = props;
  return <LiveServiceCatalog {...rest} />;
}
