// A probe of RabbitMQ itself, not part of `npm test` (docs/deployment.md, "A RabbitMQ node
// stops"): replies published to reply streams while the cluster node that leads them stops.
// Which does RabbitMQ confirm, which do the streams hold, which does a failing-over consumer
// deliver? Three throwaway nodes, readers (gateways) on node 0, two publishers (workers) on
// nodes 1 and 2, ~100 × BURST publishes/s; exits 1 when a confirmed message is not in its
// stream or a publish was never settled. RabbitMQ 3.10.8 here: clean when idle; with both cores
// busy (BURST=30 and two busy loops beside it) it confirmed thousands of publishes that never
// reached the streams (rabbitmq/rabbitmq-server#9457).
//   node --import tsx test/scaleout/probeStreamFailover.ts
import { createRabbitBroker, replyStreamOptions, waitForConnected } from "@taskbridge/broker";
import { silentLogger } from "@taskbridge/core/protocol";
import { startRabbitCluster } from "../support/rabbitCluster.js";

const BURST = Number(process.env.BURST ?? 10);
const STREAMS = Number(process.env.STREAMS ?? 3);
const began = Date.now();
const say = (line: string): void =>
  console.log(`${((Date.now() - began) / 1000).toFixed(1)} s ${line}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const main = async (): Promise<number> => {
  const cluster = await startRabbitCluster();
  process.once("SIGTERM", () => void cluster.dispose().finally(() => process.exit(2)));
  say("cluster up");
  try {
    const [n0, n1, n2] = cluster.urls as [string, string, string];
    const queues = Array.from({ length: STREAMS }, (_, i) => `taskbridge.reply.repro-${i}`);
    // Readers (gateways) on node 0 first; a stream declared from there leads there.
    const consumed = new Map<string, Set<string>>();
    const readers = [];
    for (const queue of queues) {
      const reader = createRabbitBroker({ urls: [n0, n1, n2], logger: silentLogger });
      readers.push(reader);
      await waitForConnected(reader, 30_000);
      await reader.assertQueue(queue, replyStreamOptions("1h"));
      const got = new Set<string>();
      consumed.set(queue, got);
      await reader.consume(
        queue,
        (message) => {
          got.add(new TextDecoder().decode(message.body));
          message.ack();
        },
        { prefetch: 50, streamOffset: "next" },
      );
    }
    // Publishers (workers) on nodes 1 and 2, which stay up.
    const writers = [
      createRabbitBroker({ urls: [n1, n2], logger: silentLogger }),
      createRabbitBroker({ urls: [n2, n1], logger: silentLogger }),
    ];
    await Promise.all(writers.map((w) => waitForConnected(w, 30_000)));
    const outcomes = new Map<string, string>();
    let next = 0;
    let writing = true;
    const traffic = (async () => {
      while (writing) {
        for (let k = 0; k < BURST; k++) {
          const n = next++;
          const queue = queues[n % queues.length] as string;
          const writer = writers[n % writers.length]!;
          const body = `${queue}#${n}`;
          writer.publish("", queue, body).then(
            (outcome) => outcomes.set(body, outcome),
            (error: unknown) => outcomes.set(body, `rejected ${String(error)}`),
          );
        }
        await sleep(10);
      }
    })();
    await sleep(1000);
    say(`stopping node 0 after ${next} publishes`);
    await cluster.stopNode(0);
    say(`node 0 stopped at publish ${next}`);
    await sleep(4000);
    writing = false;
    await traffic;
    const total = next;
    // Confirms normally follow within a second; give them 20 s, then count the unsettled.
    const settleBy = Date.now() + 20_000;
    while (outcomes.size < total && Date.now() < settleBy) await sleep(50);
    const unsettled = total - outcomes.size;
    const held = new Set<string>();
    const audit = createRabbitBroker({ urls: [n1], logger: silentLogger });
    await waitForConnected(audit, 30_000);
    for (const queue of queues) {
      let last = Date.now();
      const c = await audit.consume(
        queue,
        (message) => {
          held.add(new TextDecoder().decode(message.body));
          last = Date.now();
          message.ack();
        },
        { prefetch: 1000, streamOffset: "first" },
      );
      // A stream has no end: read until nothing came for 3 s.
      while (Date.now() - last < 3000) await sleep(200);
      await c.close();
    }
    say(`audit read ${held.size} messages`);
    const confirmed = [...outcomes].filter(([, o]) => o === "routed").map(([b]) => b);
    const notConfirmed = [...outcomes].filter(([, o]) => o !== "routed");
    const missingFromStream = confirmed.filter((b) => !held.has(b));
    const delivered = new Set([...consumed.values()].flatMap((s) => [...s]));
    const missingFromConsumer = [...held].filter((b) => !delivered.has(b));
    say(
      `published ${total}; confirmed ${confirmed.length}; not confirmed ${notConfirmed.length}: ${JSON.stringify(notConfirmed.slice(0, 3))}`,
    );
    say(
      `confirmed but not in the stream: ${missingFromStream.length} ${JSON.stringify(missingFromStream.slice(0, 10))}`,
    );
    say(`in the stream but never delivered to its consumer: ${missingFromConsumer.length}`);
    await Promise.all([...writers, ...readers, audit].map((b) => b.close()));
    return missingFromStream.length + missingFromConsumer.length + unsettled === 0 ? 0 : 1;
  } finally {
    await cluster.dispose();
  }
};
main().then((code) => process.exit(code));
