import { bannerLines } from "./printBanner.js";

describe("bannerLines", () => {
  it("says the live stack runs, with the URL and the Python worker's state", () => {
    const text = bannerLines({
      mode: "live",
      url: "http://localhost:8080/",
      amqpUrl: "amqp://127.0.0.1:5672",
      python: "running (/usr/bin/python3)",
    }).join("\n");
    expect(text).toContain("LIVE stack");
    expect(text).toContain("Open http://localhost:8080/");
    expect(text).toContain("python    running (/usr/bin/python3)");
  });

  it("makes embedded mode unmistakable and says how to get RabbitMQ", () => {
    const text = bannerLines({
      mode: "embedded",
      url: "http://localhost:8080/",
      amqpUrl: "amqp://127.0.0.1:1",
      python: "skipped",
      reason: "connect ECONNREFUSED 127.0.0.1:1",
    }).join("\n");
    expect(text).toContain("EMBEDDED MODE (no RabbitMQ)");
    expect(text).toContain("not reachable at amqp://127.0.0.1:1 (connect ECONNREFUSED");
    expect(text).toContain("apt-get install -y rabbitmq-server");
    expect(text).toContain("docker run -d --name rabbitmq -p 5672:5672");
    expect(text).toContain("Open http://localhost:8080/");
  });
});
