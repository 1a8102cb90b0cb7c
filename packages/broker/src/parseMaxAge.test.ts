import { parseMaxAge } from "./parseMaxAge.js";

describe("parseMaxAge", () => {
  it("reads RabbitMQ's units", () => {
    expect(parseMaxAge("2h")).toBe(7_200_000);
    expect(parseMaxAge("90m")).toBe(5_400_000);
    expect(parseMaxAge("30s")).toBe(30_000);
    expect(parseMaxAge("7D")).toBe(7 * 86_400_000);
    expect(parseMaxAge("1M")).toBe(30 * 86_400_000);
    expect(parseMaxAge("1Y")).toBe(365 * 86_400_000);
  });

  it("refuses anything else", () => {
    for (const bad of ["", "2", "h", "0h", "2H", "2 h", "1.5h", "-1h", "2hours", 7200]) {
      expect(parseMaxAge(bad)).toBeUndefined();
    }
  });
});
