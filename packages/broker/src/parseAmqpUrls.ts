import { redactAmqpUrl } from "./redactAmqpUrl.js";

/**
 * Splits a comma-separated list of broker addresses (the form of `AMQP_URL` and `AMQP_URLS`) into
 * its URLs, trimmed, empty entries dropped, and checks each is an `amqp://` or `amqps://` URL with
 * a host. Throws an error that starts with `name`, so a misconfigured process says which setting
 * is wrong (passwords are not repeated in it). A comma inside a password must be URL-encoded
 * (`%2C`), as any reserved character in an AMQP URL.
 *
 * @example
 * parseAmqpUrls("amqp://u:p@rabbit-1:5672, amqp://u:p@rabbit-2:5672", "AMQP_URL")
 * // ["amqp://u:p@rabbit-1:5672", "amqp://u:p@rabbit-2:5672"]
 */
export const parseAmqpUrls = (value: string, name: string): readonly string[] => {
  const urls = value
    .split(",")
    .map((url) => url.trim())
    .filter((url) => url.length > 0);
  if (urls.length === 0) throw new Error(`${name} lists no broker address`);
  for (const url of urls) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    if (parsed === undefined || (parsed.protocol !== "amqp:" && parsed.protocol !== "amqps:")) {
      throw new Error(
        `${name} must be amqp:// or amqps:// URLs separated by commas, got "${redactAmqpUrl(url)}"`,
      );
    }
    if (parsed.hostname === "") {
      throw new Error(`${name}: "${redactAmqpUrl(url)}" names no host`);
    }
  }
  return urls;
};
