import { announcement } from "../testing/announcement.js";
import { createServiceCatalog } from "./createServiceCatalog.js";

describe("createServiceCatalog", () => {
  it("lists announcements per type with their fresh workers, marks silent types stale, then forgets them", () => {
    let now = 0;
    const catalog = createServiceCatalog({ staleMs: 30_000, forgetMs: 60_000, now: () => now });
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
    expect(catalog.list()).toEqual([
      { type: "a.x", queue: "a.x", version: "2", workers: [w2] },
      { type: "b.x", queue: "b.x", workers: [], stale: true },
    ]);
    expect(catalog.has("a.x")).toBe(true);
    expect(catalog.has("b.x")).toBe(false);
    expect(["a.x", "b.x", "c.x"].map(catalog.statusOf)).toEqual(["live", "stale", "unknown"]);
    expect(catalog.payloadSchemaOf("b.x")).toBeUndefined();
    // Forgotten a minute (forgetMs) after the last announcement: unknown again.
    now = 60_001;
    expect(catalog.list().map((entry) => entry.type)).toEqual(["a.x"]);
    expect(catalog.statusOf("b.x")).toBe("unknown");
    // A worker coming back makes a type live again.
    catalog.onAnnouncement(announcement({ type: "b.x", queue: "b.x", worker: w2 }));
    expect(catalog.list()[1]).toEqual({ type: "b.x", queue: "b.x", workers: [w2] });
  });

  it("merges the workers of a type: a worker announcing no schema does not switch validation off", () => {
    let now = 0;
    const catalog = createServiceCatalog({ staleMs: 30_000, now: () => now });
    const ts = { id: "ts-1", language: "typescript", sdkVersion: "1" };
    const py = { id: "py-1", language: "python", sdkVersion: "1" };
    const payloadSchema = { type: "object", required: ["n"] };
    const withSchema = {
      type: "demo.count",
      queue: "demo.count",
      description: "counts",
      payloadSchema,
      worker: ts,
    };
    const bare = { type: "demo.count", queue: "demo.count", version: "0.1", worker: py };
    catalog.onAnnouncement(announcement(withSchema));
    for (const at of [5_000, 10_000, 15_000, 20_000]) {
      now = at;
      catalog.onAnnouncement(announcement(at % 10_000 === 0 ? withSchema : bare));
      expect(catalog.payloadSchemaOf("demo.count")).toEqual(payloadSchema);
    }
    expect(catalog.list()).toEqual([
      {
        type: "demo.count",
        queue: "demo.count",
        version: "0.1",
        description: "counts",
        payloadSchema,
        workers: [ts, py],
      },
    ]);
    // The schema's worker falls silent: 30 s after its last announcement it is stale on its own.
    now = 25_000;
    catalog.onAnnouncement(announcement(bare));
    now = 50_001;
    expect(catalog.payloadSchemaOf("demo.count")).toBeUndefined();
    expect(catalog.list()).toEqual([
      { type: "demo.count", queue: "demo.count", version: "0.1", workers: [py] },
    ]);
    expect(catalog.has("demo.count")).toBe(true);
    now = 55_001;
    expect(catalog.has("demo.count")).toBe(false);
    // No fresh worker: stale, with what its workers last announced.
    expect(catalog.list()).toEqual([
      {
        type: "demo.count",
        queue: "demo.count",
        version: "0.1",
        description: "counts",
        payloadSchema,
        workers: [],
        stale: true,
      },
    ]);
  });

  it("takes each field from the most recent fresh announcement that carries it", () => {
    let now = 0;
    const catalog = createServiceCatalog({ now: () => now });
    const first = {
      type: "a.x",
      queue: "a.x",
      payloadSchema: { type: "string" },
      worker: { id: "1" },
    };
    const second = {
      type: "a.x",
      queue: "a.x",
      payloadSchema: { type: "number" },
      worker: { id: "2" },
    };
    catalog.onAnnouncement(announcement(first));
    catalog.onAnnouncement(announcement(second));
    expect(catalog.payloadSchemaOf("a.x")).toEqual({ type: "number" });
    now = 1_000;
    catalog.onAnnouncement(announcement(first));
    expect(catalog.payloadSchemaOf("a.x")).toEqual({ type: "string" });
    expect(catalog.list()[0]?.workers).toEqual([{ id: "1" }, { id: "2" }]);
  });

  it("ignores malformed announcements", () => {
    const catalog = createServiceCatalog();
    for (const body of ["{", "null", "[]", { type: "Bad Type", queue: "q" }, { type: "a.b" }]) {
      catalog.onAnnouncement(announcement(body));
    }
    expect(catalog.list()).toEqual([]);
  });
});
