import { createSchemaValidator } from "./createSchemaValidator.js";

const schema = {
  type: "object",
  properties: { n: { type: "integer", minimum: 0 } },
  required: ["n"],
};

describe("createSchemaValidator", () => {
  it("accepts matching payloads and refuses others with BAD_REQUEST and the issues", () => {
    const { check } = createSchemaValidator();
    expect(check("demo.count", schema, { n: 3 })).toBeUndefined();
    expect(check("demo.count", { ...schema }, { n: -1 })).toEqual({
      code: "BAD_REQUEST",
      message: "the payload of demo.count does not match its schema",
      details: { issues: [{ path: "/n", message: "must be >= 0" }] },
    });
  });

  it("ignores a missing schema and reports one that does not compile", () => {
    const invalid: string[] = [];
    const { check } = createSchemaValidator((type) => invalid.push(type));
    expect(check("a", undefined, 1)).toBeUndefined();
    expect(check("b", { type: "no-such-type" }, 1)).toBeUndefined();
    expect(invalid).toEqual(["b"]);
  });
});
