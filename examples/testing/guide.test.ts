import { readFileSync } from "node:fs";
import { join } from "node:path";

// docs/testing.md quotes these example tests verbatim; they run as part of the suite.
describe("docs/testing.md", () => {
  it("quotes every example test as it is", () => {
    const guide = readFileSync(join(__dirname, "../../docs/testing.md"), "utf8");
    for (const file of ["handlers.test.ts", "liveStackWithoutRabbit.test.ts"]) {
      expect(guide).toContain(readFileSync(join(__dirname, file), "utf8").trim());
    }
  });
});
