import { topicMatches } from "./topicMatches.js";

describe("topicMatches", () => {
  it.each([
    ["announce.*", "announce.demo", true],
    ["announce.*", "announce.demo.echo", false],
    ["announce.*", "announce", false],
    ["announce.#", "announce", true],
    ["announce.#", "announce.demo.echo", true],
    ["#", "anything.at.all", true],
    ["*.echo", "demo.echo", true],
    ["a.#.z", "a.z", true],
    ["a.#.z", "a.b.c.z", true],
    ["a.#.z", "a.b.c", false],
    ["query", "query", true],
    ["query", "queries", false],
  ])("%s against %s is %s", (pattern, key, expected) => {
    expect(topicMatches(pattern, key)).toBe(expected);
  });
});
