import { Ajv2020 } from "ajv/dist/2020.js";
import { z } from "zod";
import { acceptsAnyJson } from "./acceptsAnyJson.js";

const anyJson = {
  anyOf: [
    { type: "string" },
    { type: "number" },
    { type: "boolean" },
    { type: "null" },
    { type: "array", items: { $ref: "#" } },
    { type: "object", propertyNames: { type: "string" }, additionalProperties: { $ref: "#" } },
  ],
};

describe("acceptsAnyJson", () => {
  it("recognises the schemas that accept every JSON value, as zod announces them", () => {
    expect(acceptsAnyJson(z.toJSONSchema(z.json()))).toBe(true);
    expect(acceptsAnyJson(z.toJSONSchema(z.unknown()))).toBe(true);
    expect(acceptsAnyJson(true)).toBe(true);
    expect(acceptsAnyJson({ description: "anything" })).toBe(true);
    expect(
      acceptsAnyJson({ type: ["string", "number", "boolean", "null", "array", "object"] }),
    ).toBe(true);
    expect(acceptsAnyJson(anyJson)).toBe(true);
  });

  it("only says so of schemas that Ajv finds every JSON value valid against", () => {
    const values: unknown[] = [null, true, 0, -1.5, "", "x", [], [1, "a", [null]], {}];
    values.push({ a: { b: [1, { c: "d" }] }, "": null }, [{ deep: [[[{}]]] }]);
    const ajv = new Ajv2020({ strict: false });
    for (const schema of [z.toJSONSchema(z.json()), anyJson, { type: "array", items: {} }]) {
      const validate = ajv.compile(schema);
      const everyValue = values.every((value) => validate(value));
      expect({ schema, accepts: acceptsAnyJson(schema) }).toEqual({ schema, accepts: everyValue });
    }
  });

  it("is false for every schema that constrains a value, or that it does not know", () => {
    expect(acceptsAnyJson(z.toJSONSchema(z.object({ n: z.number() })))).toBe(false);
    expect(acceptsAnyJson({ anyOf: anyJson.anyOf.slice(1) })).toBe(false);
    expect(acceptsAnyJson({ anyOf: [...anyJson.anyOf.slice(0, 1), { type: "integer" }] })).toBe(
      false,
    );
    const closedObject = { type: "object", additionalProperties: false };
    expect(acceptsAnyJson({ anyOf: [...anyJson.anyOf.slice(0, 5), closedObject] })).toBe(false);
    const stringItems = { type: "array", items: { type: "string" } };
    expect(
      acceptsAnyJson({ anyOf: [...anyJson.anyOf.slice(0, 4), stringItems, anyJson.anyOf[5]] }),
    ).toBe(false);
    expect(acceptsAnyJson({ ...anyJson, required: ["a"] })).toBe(false);
    expect(acceptsAnyJson(false)).toBe(false);
    expect(acceptsAnyJson({ not: {} })).toBe(false);
    expect(acceptsAnyJson({ $ref: "#" })).toBe(false);
  });

  it("takes a reference to the root only below items or properties, where it is about a smaller value", () => {
    expect(acceptsAnyJson({ anyOf: [{ $ref: "#" }] })).toBe(false);
    const nestedId = { type: "array", $id: "other", items: { $ref: "#" } };
    expect(
      acceptsAnyJson({ anyOf: [...anyJson.anyOf.slice(0, 4), nestedId, anyJson.anyOf[5]] }),
    ).toBe(false);
  });
});
