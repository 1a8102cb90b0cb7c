import { connect } from "amqplib";

export type AmqpProbe = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** `amqp://user:pass@host:port/vhost` without the credentials, for messages. */
export const redactUrl = (url: string): string => url.replace(/\/\/[^@/]*@/, "//");

/**
 * Tells whether RabbitMQ answers at `url` by opening (and closing) a real AMQP connection within
 * `timeoutMs`: a TCP port that accepts but is not RabbitMQ, or refused credentials, count as
 * unreachable, which a port check would miss.
 *
 * @example
 * const probe = await probeAmqp("amqp://guest:guest@127.0.0.1:5672");
 * if (!probe.ok) console.log(`no RabbitMQ: ${probe.reason}`);
 */
export const probeAmqp = async (url: string, timeoutMs = 3000): Promise<AmqpProbe> => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const attempt = connect(url, { timeout: timeoutMs, noDelay: true });
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const connection = await Promise.race([attempt, timeout]);
    await connection.close();
    return { ok: true };
  } catch (error) {
    // A connection that opens after the race was lost must still be closed.
    attempt.then((late) => late.close()).catch(() => {});
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
};
