import type { DemoConfig } from "../demoConfig.js";

/**
 * Says which stack answers the page. In embedded mode (no RabbitMQ was reachable) it explains
 * what that means and how to get the live stack, so nobody mistakes the fallback for the real
 * thing.
 */
export function ModeBanner({ mode }: { readonly mode: DemoConfig["mode"] }) {
  if (mode === "live") {
    return (
      <p className="demo-mode" data-mode="live">
        <strong>Live stack:</strong> browser → Socket.IO gateway → RabbitMQ → worker processes.
      </p>
    );
  }
  return (
    <section className="demo-mode" data-mode="embedded" aria-label="Embedded mode">
      <p>
        <strong>Embedded mode:</strong> RabbitMQ was not reachable, so the gateway runs on the
        in-memory broker with the TypeScript worker in the same process. Everything below works the
        same; the Python worker needs RabbitMQ.
      </p>
      <p>
        For the live stack, start RabbitMQ (<code>apt-get install rabbitmq-server</code> or{" "}
        <code>docker run -d --name rabbitmq -p 5672:5672 rabbitmq:3-management</code>) and run{" "}
        <code>npm start</code> again.
      </p>
    </section>
  );
}
