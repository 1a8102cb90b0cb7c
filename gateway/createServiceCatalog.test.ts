import type { DeliveredMessage } from "../broker/types.js";
import { createServiceCatalog } from "./createServiceCatalog.js";

const announcement = (body: unknown): DeliveredMessage => ({
  body: new TextEncoder().encode(typeof body === "string" ? body : JSON.stringify(body)),
  properties: {},
  exchange: "taskbridge.registry",
  routingKey: "announce.x",
  redelivered: false,
  ack: () => {},
  nack: () => {},
});

describe("createServiceCatalog", () => {
  it("lists fresh announcements per type with their workers, and forgets stale ones", () => {
    let now = 0;
    const catalog = createServiceCatalog({ staleMs: 30_000, now: () => now });
    const w1 = { id: "w1", language: "typescript", sdkVersion: "1" };
    const w2 = { id: "w2", language: "python", sdkVersion: "1" };
    catalog.onAnnouncement(announcement({ type: "b.x", queue: "b.x", worker: w1 }));
    catalog.onAnnouncement(announcement({ type: "a.x", queue: "a.x", version: "2", worker: w1 }));
    now = 20_000;
    catalog.onAnnouncement(announcement({ type: "a.x", queue: "a.x", version: "2", worker: w2 }));
    expect(catalog.list()).toEqual([
      { type: "a.x", queue: "a.x", version: "2", workers: [w1, w2] },
      { type: "b.x", queue: "b.x", workers: [w1] },
    ]);
    now = 40_000;
    expect(catalog.list()).toEqual([{ type: "a.x", queue: "a.x", version: "2", workers: [w2] }]);
    expect(catalog.has("a.x")).toBe(true);
    expect(catalog.has("b.x")).toBe(false);
  });

  it("ignores malformed announcements", () => {
    const catalog = createServiceCatalog();
    for (const body of ["{", "null", "[]", { type: "Bad Type", queue: "q" }, { type: "a.b" }]) {
      catalog.onAnnouncement(announcement(body));
    }
    expect(catalog.list()).toEqual([]);
  });
});
