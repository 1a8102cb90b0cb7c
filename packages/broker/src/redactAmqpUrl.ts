/**
 * An AMQP URL fit for logs and error messages: the password dropped, the user, host, port, vhost
 * and query kept, so an operator sees which node (and as whom) a process talks to. A string that
 * does not parse as a URL loses everything between `//` and `@`.
 *
 * @example
 * redactAmqpUrl("amqp://gateway:s3cret@rabbit-2:5672/taskbridge") // "amqp://gateway@rabbit-2:5672/taskbridge"
 */
export const redactAmqpUrl = (url: string): string => {
  try {
    const parsed = new URL(url);
    parsed.password = "";
    return parsed.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, "//");
  }
};
