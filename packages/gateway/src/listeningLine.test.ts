import { listeningLine } from "./listeningLine.js";

describe("listeningLine", () => {
  it("says 0.0.0.0 when HOST is unset, since the gateway then binds every interface", () => {
    expect(listeningLine(undefined, 8080)).toBe(
      "gateway listening on http://0.0.0.0:8080 (all interfaces; on this machine http://localhost:8080)",
    );
    expect(listeningLine("0.0.0.0", 9000)).toBe(
      "gateway listening on http://0.0.0.0:9000 (all interfaces; on this machine http://localhost:9000)",
    );
    expect(listeningLine("::", 8080)).toMatch(/^gateway listening on http:\/\/\[::\]:8080 \(all/);
  });

  it("names the HOST it was given", () => {
    expect(listeningLine("127.0.0.1", 8080)).toBe("gateway listening on http://127.0.0.1:8080");
    expect(listeningLine("::1", 8080)).toBe("gateway listening on http://[::1]:8080");
    expect(listeningLine("gw.internal", 81)).toBe("gateway listening on http://gw.internal:81");
  });
});
