import { createOriginCheck } from "./createOriginCheck.js";

describe("createOriginCheck", () => {
  it("by default allows same-origin and localhost browsers, and non-browser clients", () => {
    const check = createOriginCheck();
    expect(check(undefined, "gw.example.com")).toBe(true);
    expect(check("https://gw.example.com", "gw.example.com")).toBe(true);
    expect(check("http://localhost:5173", "gw.example.com")).toBe(true);
    expect(check("http://127.0.0.1:3000", "gw.example.com")).toBe(true);
    expect(check("https://evil.example", "gw.example.com")).toBe(false);
    expect(check("null", "gw.example.com")).toBe(false);
  });

  it("allows exactly the listed origins, or all with `*`", () => {
    const check = createOriginCheck(["https://app.example.com"]);
    expect(check("https://app.example.com", "x")).toBe(true);
    expect(check("http://localhost:5173", "x")).toBe(false);
    expect(createOriginCheck(["*"])("https://anything.example", "x")).toBe(true);
  });

  it("asks a predicate", () => {
    const check = createOriginCheck((origin) => origin.endsWith(".example.com"));
    expect(check("https://a.example.com", "x")).toBe(true);
    expect(check("https://example.org", "x")).toBe(false);
  });
});
