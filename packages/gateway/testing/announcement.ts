import type { DeliveredMessage } from "@taskbridge/broker";

/**
 * A message of the registry exchange as the gateway's catalog receives it: `body` as JSON, or a
 * string sent as is (to try malformed announcements).
 *
 * @example
 * catalog.onAnnouncement(announcement({ type: "demo.echo", queue: "demo.echo", worker }));
 */
export const announcement = (body: unknown): DeliveredMessage => ({
  body: new TextEncoder().encode(typeof body === "string" ? body : JSON.stringify(body)),
  properties: {},
  exchange: "taskbridge.registry",
  routingKey: "announce.x",
  redelivered: false,
  ack: () => {},
  nack: () => {},
});
