export type BannerOptions = {
  readonly mode: "live" | "embedded";
  readonly url: string;
  readonly amqpUrl: string;
  readonly python: string;
  /** Why RabbitMQ was not reachable (embedded mode). */
  readonly reason?: string;
};

/** The lines `printBanner` prints; separate so that a test can read them. */
export const bannerLines = ({ mode, url, amqpUrl, python, reason }: BannerOptions): string[] => {
  if (mode === "live") {
    return [
      "",
      "  taskbridge demo: LIVE stack",
      `    RabbitMQ  ${amqpUrl}`,
      "    gateway   Socket.IO on the same port, with /healthz and /metrics",
      "    workers   TypeScript (bun packages/worker/src/main.ts)",
      `    python    ${python}`,
      "",
      `  Open ${url}`,
      "  Ctrl-C stops everything.",
      "",
    ];
  }
  return [
    "",
    "  ============================================================================",
    "  taskbridge demo: EMBEDDED MODE (no RabbitMQ)",
    `  RabbitMQ is not reachable at ${amqpUrl}${reason ? ` (${reason})` : ""}.`,
    "  The gateway runs on the in-memory broker, with the TypeScript worker in the",
    "  same process. Nothing is durable, and the Python worker is not started.",
    "",
    "  For the live stack, start RabbitMQ and run `npm start` again:",
    "    sudo apt-get install -y rabbitmq-server     (Debian/Ubuntu; starts it)",
    "    docker run -d --name rabbitmq -p 5672:5672 rabbitmq:3-management",
    "  or point AMQP_URL at one: AMQP_URL=amqp://user:pass@host:5672 npm start",
    "  ============================================================================",
    "",
    `  Open ${url}`,
    "  Ctrl-C stops everything.",
    "",
  ];
};

/**
 * Prints where the demo is and what runs behind it. In embedded mode it is a boxed warning that
 * says why and how to get RabbitMQ, so the fallback is never mistaken for the live stack.
 */
export const printBanner = (options: BannerOptions): void => {
  console.info(bannerLines(options).join("\n"));
};
