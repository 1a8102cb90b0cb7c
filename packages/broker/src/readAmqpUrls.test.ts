import { parseAmqpUrls } from "./parseAmqpUrls.js";
import { DEFAULT_AMQP_URL, readAmqpUrls } from "./readAmqpUrls.js";
import { redactAmqpUrl } from "./redactAmqpUrl.js";

describe("readAmqpUrls", () => {
  it("defaults to the local broker when neither variable is set or both are blank", () => {
    expect(readAmqpUrls({})).toEqual([DEFAULT_AMQP_URL]);
    expect(readAmqpUrls({ AMQP_URLS: " ", AMQP_URL: "" })).toEqual([DEFAULT_AMQP_URL]);
  });

  it("reads one URL or a comma-separated list, trimmed, each with its own credentials", () => {
    expect(readAmqpUrls({ AMQP_URL: "amqp://u:p@rabbit:5672/vh" })).toEqual([
      "amqp://u:p@rabbit:5672/vh",
    ]);
    expect(
      readAmqpUrls({ AMQP_URL: " amqp://a:1@rabbit-1:5672 ,amqps://b:2@rabbit-2:5671/x,, " }),
    ).toEqual(["amqp://a:1@rabbit-1:5672", "amqps://b:2@rabbit-2:5671/x"]);
  });

  it("prefers AMQP_URLS to AMQP_URL", () => {
    expect(readAmqpUrls({ AMQP_URLS: "amqp://n1,amqp://n2", AMQP_URL: "amqp://solo" })).toEqual([
      "amqp://n1",
      "amqp://n2",
    ]);
  });

  it("names the variable of an unusable value and does not repeat its password", () => {
    expect(() => readAmqpUrls({ AMQP_URL: "," })).toThrow("AMQP_URL lists no broker address");
    expect(() => readAmqpUrls({ AMQP_URLS: "amqp://ok, http://u:secret@web" })).toThrow(
      'AMQP_URLS must be amqp:// or amqps:// URLs separated by commas, got "http://u@web/"',
    );
    expect(() => readAmqpUrls({ AMQP_URL: "rabbit:5672" })).toThrow(/^AMQP_URL must be/);
    expect(() => readAmqpUrls({ AMQP_URL: "amqp://u:secret@" })).toThrow(/^AMQP_URL/);
    expect(() => readAmqpUrls({ AMQP_URL: "amqp://u:secret@" })).not.toThrow(/secret/);
  });
});

describe("parseAmqpUrls", () => {
  it("says which setting it read in its errors", () => {
    expect(parseAmqpUrls("amqp://a", "urls")).toEqual(["amqp://a"]);
    expect(() => parseAmqpUrls("", "urls")).toThrow(/^urls lists no broker address/);
  });
});

describe("redactAmqpUrl", () => {
  it("drops the password and keeps user, host, port, vhost and query", () => {
    expect(redactAmqpUrl("amqp://gw:s3cret@rabbit-2:5672/tb?heartbeat=10")).toBe(
      "amqp://gw@rabbit-2:5672/tb?heartbeat=10",
    );
    expect(redactAmqpUrl("amqp://127.0.0.1:5672")).toBe("amqp://127.0.0.1:5672");
    expect(redactAmqpUrl("not a url //u:p@x")).toBe("not a url //x");
  });
});
