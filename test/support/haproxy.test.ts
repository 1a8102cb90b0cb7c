import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { haproxyConfig } from "./haproxy.js";

// deploy/haproxy.cfg and the proxy of the live tests (startHaproxy) come from one haproxyConfig.
describe("haproxyConfig", () => {
  it("is what deploy/haproxy.cfg ships, bar its comments, bind address, DNS and gateways", () => {
    const shipped = readFileSync("deploy/haproxy.cfg", "utf8")
      .split("\n")
      .filter((line) => !line.startsWith("#"))
      .join("\n");
    expect(shipped).toBe(
      haproxyConfig({
        bind: "*:8080",
        dns: "127.0.0.11:53",
        backends: [1, 2, 3].map((i) => ({
          name: `gateway-${i}`,
          host: `gateway-${i}`,
          port: 8080,
        })),
      }),
    );
  });

  it("ships a file HAProxy accepts (gateway names that do not resolve here only warn)", () => {
    const check = execFileSync("/usr/sbin/haproxy", ["-c", "-f", "deploy/haproxy.cfg"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    expect(check).toMatch(/Configuration file is valid/);
  });
});
