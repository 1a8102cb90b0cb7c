import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
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

const viaRabbitmqctl = async (vhosts: readonly string[], user: string): Promise<void> => {
  // One `import_definitions` starts the Erlang CLI once for every vhost and permission (each
  // rabbitmqctl call costs seconds on a loaded machine); older servers get one call per step.
  const definitions = {
    vhosts: vhosts.map((name) => ({ name })),
    permissions: vhosts.map((vhost) => ({
      user,
      vhost,
      configure: ".*",
      write: ".*",
      read: ".*",
    })),
  };
  const file = join(mkdtempSync(join(tmpdir(), "taskbridge-bench-")), "definitions.json");
  writeFileSync(file, JSON.stringify(definitions));
  try {
    await run("rabbitmqctl", ["import_definitions", file], { timeout: 60_000 });
  } catch {
    for (const vhost of vhosts) {
      await run("rabbitmqctl", ["add_vhost", vhost], { timeout: 60_000 });
      await run("rabbitmqctl", ["set_permissions", "-p", vhost, user, ".*", ".*", ".*"], {
        timeout: 60_000,
      });
    }
  } finally {
    rmSync(dirname(file), { recursive: true, force: true });
  }
};

const viaManagementApi = async (baseUrl: string, vhost: string, user: string): Promise<void> => {
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
};

const deleteViaManagementApi = async (baseUrl: string, vhost: string): Promise<void> => {
  const { api, auth } = managementUrl(baseUrl);
  await fetch(`${api}/vhosts/${encodeURIComponent(vhost)}`, {
    method: "DELETE",
    headers: { authorization: auth },
  });
};

/**
 * Creates fresh virtual hosts `taskbridge-bench-<runId>-<name>` (with `rabbitmqctl`, else the
 * management API) so that the bench's gateways, workers and queues — all named as in production —
 * never meet the tests and demos sharing the same RabbitMQ, nor each other; each one's `remove()`
 * deletes it with everything in it.
 */
export const createBenchVhosts = async <TName extends string>(
  baseUrl: string,
  runId: string,
  names: readonly TName[],
): Promise<Record<TName, BenchVhost>> => {
  const user = decodeURIComponent(new URL(baseUrl).username || "guest");
  const vhostNames = names.map((name) => `taskbridge-bench-${runId}-${name}`);
  let useApi = false;
  try {
    await viaRabbitmqctl(vhostNames, user);
  } catch (first) {
    try {
      for (const vhost of vhostNames) await viaManagementApi(baseUrl, vhost, user);
      useApi = true;
    } catch (second) {
      throw new Error(
        `cannot create the virtual hosts (rabbitmqctl: ${String(first)}; management API: ${String(second)})`,
      );
    }
  }
  const entries = vhostNames.map((name, index): [TName, BenchVhost] => {
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
    const remove = async (): Promise<void> => {
      if (useApi) await deleteViaManagementApi(baseUrl, name);
      else await run("rabbitmqctl", ["delete_vhost", name], { timeout: 60_000 });
    };
    return [names[index] as TName, { name, url, deleteQueues, remove }];
  });
  return Object.fromEntries(entries) as Record<TName, BenchVhost>;
};
