import { type RmqOptions, Transport } from "@nestjs/microservices";
import { NEST_QUEUE } from "./nestQueue.js";

/**
 * The RMQ transport options the NestJS gateway (`ClientProxy`) and worker (microservice) share:
 * `NEST_QUEUE` of the bench's queue type (`BENCH_QUEUE_TYPE`, classic or quorum; both sides
 * assert it with the same arguments), at `AMQP_URL`, with `noDelay` on the AMQP socket as the
 * baseline and taskbridge have (amqplib's default under Node leaves Nagle's algorithm on; Bun
 * turns it off anyway). Everything else is NestJS's default: requests not persistent, replies over
 * direct reply-to, both sides on amqp-connection-manager's confirm channels.
 */
export const rmqOptions = (): RmqOptions => ({
  transport: Transport.RMQ,
  options: {
    urls: [process.env.AMQP_URL ?? "amqp://guest:guest@127.0.0.1:5672"],
    queue: NEST_QUEUE,
    socketOptions: { connectionOptions: { noDelay: true } },
    queueOptions: {
      durable: true,
      arguments: {
        "x-queue-type": process.env.BENCH_QUEUE_TYPE === "quorum" ? "quorum" : "classic",
      },
    },
  },
});
