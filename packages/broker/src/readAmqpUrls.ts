import { parseAmqpUrls } from "./parseAmqpUrls.js";

/** Where RabbitMQ is when neither the options nor `AMQP_URLS` / `AMQP_URL` say otherwise. */
export const DEFAULT_AMQP_URL = "amqp://guest:guest@127.0.0.1:5672";

/**
 * The broker addresses a process takes from its environment: `AMQP_URLS` when set, else
 * `AMQP_URL`, else `DEFAULT_AMQP_URL`. Both take one URL or a comma-separated list (the nodes of a
 * cluster, tried in turn; credentials may differ per URL). A value it cannot use throws an error
 * naming the variable (see `parseAmqpUrls`); a blank one counts as unset.
 *
 * @example
 * readAmqpUrls({ AMQP_URL: "amqp://u:p@rabbit-1,amqp://u:p@rabbit-2" }) // two addresses
 */
export const readAmqpUrls = (
  env: Readonly<Record<string, string | undefined>>,
): readonly string[] => {
  for (const name of ["AMQP_URLS", "AMQP_URL"] as const) {
    const value = env[name];
    if (value !== undefined && value.trim() !== "") return parseAmqpUrls(value, name);
  }
  return [DEFAULT_AMQP_URL];
};
