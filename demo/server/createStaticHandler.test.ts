import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createStaticHandler } from "./createStaticHandler.js";

describe("createStaticHandler", () => {
  let root: string;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "demo-static-"));
    mkdirSync(join(root, "assets"));
    writeFileSync(join(root, "index.html"), "<!doctype html><title>demo</title>");
    writeFileSync(join(root, "assets", "app-1.js"), "console.log(1)");
    server = createServer(
      createStaticHandler({
        root,
        config: { mode: "embedded", python: { available: false, note: "no python" } },
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(root, { recursive: true, force: true });
  });

  it("serves the config the page asks for", async () => {
    const response = await fetch(`${base}/demo-config.json`);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toEqual({
      mode: "embedded",
      python: { available: false, note: "no python" },
    });
  });

  it("serves the page and its hashed assets with their types", async () => {
    const page = await fetch(`${base}/`);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await page.text()).toContain("<title>demo</title>");
    const script = await fetch(`${base}/assets/app-1.js`);
    expect(script.headers.get("content-type")).toMatch(/^text\/javascript/);
    expect(script.headers.get("cache-control")).toContain("immutable");
  });

  it("answers unknown paths and escapes from the root with the page", async () => {
    expect(await (await fetch(`${base}/somewhere/else`)).text()).toContain("<title>demo");
    expect(await (await fetch(`${base}/..%2F..%2Fetc%2Fpasswd`)).text()).toContain("<title>demo");
    expect(await (await fetch(`${base}/%E0%A4%A`)).text()).toContain("<title>demo");
  });

  it("refuses methods other than GET and HEAD", async () => {
    expect((await fetch(`${base}/`, { method: "POST" })).status).toBe(405);
  });
});
