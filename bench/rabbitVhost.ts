import { execFile } from "node:child_process";
import { promisify } from "node:util";
import amqp from "amqplib";

const run = promisify(execFile);

/** A private RabbitMQ virtual host for one bench run: its URL and how to remove it. */
export type BenchVhost = {
  readonly name: string;
  readonly url: string;
  /** Deletes the named queues (between systems, which declare them with other arguments). */
  readonly deleteQueues: (queues: readonly string[]) => Promise<void>;
  /** Deletes the virtual host and everything in it. */
  readonly remove: () => Promise<void>;
};

const withVhost = (baseUrl: string, vhost: string): string => {
  const url = new URL(baseUrl);
  url.pathname = `/${encodeURIComponent(vhost)}`;
  return url.toString();
};

const managementUrl = (baseUrl: string): { api: string; auth: string } => {
  const url = new URL(baseUrl);
  const user = decodeURIComponent(url.username || "guest");
  const password = decodeURIComponent(url.password || "guest");
  return {
    api: `http://${url.hostname}:15672/api`,
    auth: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`,
  };
};

const viaRabbitmqctl = async (vhost: string, user: string): Promise<() => Promise<void>> => {
  await run("rabbitmqctl", ["add_vhost", vhost], { timeout: 30_000 });
  await run("rabbitmqctl", ["set_permissions", "-p", vhost, user, ".*", ".*", ".*"], {
    timeout: 30_000,
  });
  return async () => {
    await run("rabbitmqctl", ["delete_vhost", vhost], { timeout: 30_000 });
  };
};

const viaManagementApi = async (baseUrl: string, vhost: string, user: string) => {
  const { api, auth } = managementUrl(baseUrl);
  const headers = { authorization: auth, "content-type": "application/json" };
  const name = encodeURIComponent(vhost);
  const created = await fetch(`${api}/vhosts/${name}`, { method: "PUT", headers });
  if (!created.ok) throw new Error(`management API: ${created.status}`);
  await fetch(`${api}/permissions/${name}/${encodeURIComponent(user)}`, {
    method: "PUT",
    headers,
    body: JSON.stringify({ configure: ".*", write: ".*", read: ".*" }),
  });
  return async () => {
    await fetch(`${api}/vhosts/${name}`, { method: "DELETE", headers });
  };
};

/**
 * Creates a fresh virtual host `taskbridge-bench-<runId>` (with `rabbitmqctl`, else the
 * management API) so that the bench's gateways, workers and queues — all named as in production —
 * never meet the tests and demos sharing the same RabbitMQ; `remove()` deletes it with
 * everything in it.
 */
export const createBenchVhost = async (baseUrl: string, runId: string): Promise<BenchVhost> => {
  const name = `taskbridge-bench-${runId}`;
  const user = decodeURIComponent(new URL(baseUrl).username || "guest");
  let remove: () => Promise<void>;
  try {
    remove = await viaRabbitmqctl(name, user);
  } catch (first) {
    try {
      remove = await viaManagementApi(baseUrl, name, user);
    } catch (second) {
      throw new Error(
        `cannot create the virtual host ${name} (rabbitmqctl: ${String(first)}; management API: ${String(second)})`,
      );
    }
  }
  const url = withVhost(baseUrl, name);
  const deleteQueues = async (queues: readonly string[]): Promise<void> => {
    const connection = await amqp.connect(url);
    try {
      const channel = await connection.createChannel();
      for (const queue of queues) await channel.deleteQueue(queue);
      await channel.close();
    } finally {
      await connection.close();
    }
  };
  return { name, url, deleteQueues, remove };
};
