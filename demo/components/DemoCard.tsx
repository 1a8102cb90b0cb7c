import type { ReactNode } from "react";

export type DemoCardProps = {
  /** The card's heading; also names the region for assistive technology. */
  readonly title: string;
  /** The request type the card runs, shown as a code badge. */
  readonly requestType: string;
  readonly description: ReactNode;
  readonly children: ReactNode;
  readonly wide?: boolean;
};

/**
 * Which worker answers a request type. Reply frames carry no worker identity (docs/protocol.md §2.4),
 * so the page goes by the type: the demo's Python worker serves the reference services under
 * the `py.` prefix, the TypeScript worker (a process of its own, or inside the gateway in
 * embedded mode) serves them unprefixed.
 */
export const workerFor = (requestType: string): string =>
  requestType.startsWith("py.") ? "Python worker" : "TypeScript worker";

/**
 * One panel of the demo: a titled `region` with the request type it runs, the worker that
 * answers it, and a sentence on what it shows, so each component demo reads on its own.
 */
export function DemoCard({ title, requestType, description, children, wide }: DemoCardProps) {
  const id = `card-${requestType.replace(/[^a-z0-9]+/gi, "-")}`;
  const worker = workerFor(requestType);
  return (
    <section className="demo-card" data-wide={wide ? "" : undefined} aria-labelledby={id}>
      <header className="demo-card__header">
        <h2 id={id}>{title}</h2>
        <span className="demo-card__meta">
          <code className="demo-card__type">{requestType}</code>
          <span
            className="demo-card__worker"
            data-worker={requestType.startsWith("py.") ? "python" : "typescript"}
          >
            {worker}
          </span>
        </span>
      </header>
      <p className="demo-card__description">{description}</p>
      <div className="demo-card__body">{children}</div>
    </section>
  );
}
