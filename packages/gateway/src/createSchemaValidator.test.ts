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

  it("names a missing or an unexpected field by its own path", () => {
    const { check } = createSchemaValidator();
    const strict = {
      type: "object",
      properties: { report: { type: "object", required: ["month"], properties: {} } },
      additionalProperties: false,
    };
    expect(check("r", strict, { report: {} })?.details).toEqual({
      issues: [{ path: "/report/month", message: "must have required property 'month'" }],
    });
    expect(check("r", strict, { "a/b": 1 })?.details).toEqual({
      issues: [{ path: "/a~1b", message: "must NOT have additional properties" }],
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
