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
 * One panel of the demo: a titled `region` with the request type it runs and a sentence on what
 * it shows, so each component demo reads on its own.
 */
export function DemoCard({ title, requestType, description, children, wide }: DemoCardProps) {
  const id = `card-${requestType.replace(/[^a-z0-9]+/gi, "-")}`;
  return (
    <section className="demo-card" data-wide={wide ? "" : undefined} aria-labelledby={id}>
      <header className="demo-card__header">
        <h2 id={id}>{title}</h2>
        <code className="demo-card__type">{requestType}</code>
      </header>
      <p className="demo-card__description">{description}</p>
      <div className="demo-card__body">{children}</div>
    </section>
  );
}
