import { readFileSync } from "node:fs";
import { join } from "node:path";
import { makeBackendRequestExample } from "./makeBackendRequest.js";
import { memoryTransportExample } from "./memoryTransport.js";
import { typedClientExample } from "./typedClient.js";

// docs/client.md shows these files verbatim; running them here keeps the guide true.
describe("docs/client.md examples", () => {
  it("makeBackendRequest", async () => {
    const log = jest.spyOn(console, "log").mockImplementation(() => {});
    expect(await makeBackendRequestExample()).toEqual({
      count: 3,
      seen: [0, 1, 2],
      failure: "WORKER_ERROR: disk full",
      cancelled: "CANCELLED",
    });
    log.mockRestore();
  });

  it("typed contracts and createClient", async () => {
    expect(await typedClientExample()).toEqual({
      total: 12,
      running: [5, 12],
      refused: "lines",
      schemaType: "object",
    });
  });

  it("createMemoryTransport with latency, failures and a crash", async () => {
    expect(await memoryTransportExample()).toEqual({
      refused: "UNAVAILABLE",
      status: "success",
      attempt: 2,
      chunks: ["page 1 (attempt 2)", "page 2 (attempt 2)"],
    });
  });

  it("the guide quotes every example file as it is", () => {
    const guide = readFileSync(join(__dirname, "../../docs/client.md"), "utf8");
    for (const file of ["makeBackendRequest.ts", "typedClient.ts", "memoryTransport.ts"]) {
      const source = readFileSync(join(__dirname, file), "utf8").trim();
      expect(guide).toContain(source);
    }
  });
});
