import { createMemoryTransport } from "./createMemoryTransport.js";
import { fetchServices, parseServiceCatalog } from "./fetchServices.js";

describe("fetchServices", () => {
  it("asks taskbridge.services and returns the entries sorted, with well-formed workers", async () => {
    const transport = createMemoryTransport({
      handlers: {
        "taskbridge.services": () => ({
          services: [
            {
              type: "py.report",
              version: "1",
              payloadSchema: { type: "object" },
              workers: [{ id: "py-1", language: "python", sdkVersion: "0.1.0" }, "junk"],
            },
            { type: "ts.greet", workers: [{ id: "w-1" }] },
            { type: "a.plugin" },
            { noType: true },
          ],
        }),
      },
    });
    expect(await fetchServices(transport)).toEqual([
      { type: "a.plugin", workers: [] },
      {
        type: "py.report",
        version: "1",
        payloadSchema: { type: "object" },
        workers: [{ id: "py-1", language: "python", sdkVersion: "0.1.0" }],
      },
      { type: "ts.greet", workers: [{ id: "w-1", language: "unknown", sdkVersion: "unknown" }] },
    ]);
    await transport.close();
  });

  it("rejects with the server's error body; a malformed answer is an empty catalog", async () => {
    const transport = createMemoryTransport({ handlers: {} });
    await expect(fetchServices(transport)).rejects.toMatchObject({ code: "UNKNOWN_TYPE" });
    await transport.close();
    expect(parseServiceCatalog({ services: "none" })).toEqual([]);
    expect(parseServiceCatalog(null)).toEqual([]);
  });
});
