// The NestJS worker of the benchmark's NestJS peer (docs/benchmarks.md, "What is compared"): a
// NestJS microservice on the RMQ transport (`@nestjs/microservices`) serving `demo.echo` and
// `demo.count` as `@MessagePattern` handlers. `demo.count` returns an Observable: NestJS publishes
// each value as its own reply message and a last one that says the stream is done. The values are
// the chunks `{ i }` and then the result `{ count: n }` (the gateway sends the last value as the
// result). Each request is acked when its handler runs, with a prefetch of 16, as the baseline
// worker does. Env: AMQP_URL, BENCH_QUEUE_TYPE.
//
// NestJS is built on classes and decorators; that is fine for this bench peer only (it is what a
// NestJS user writes). taskbridge's own code stays functional. bench/nest/tsconfig.json turns on
// the decorators (Bun reads it).
import "reflect-metadata";
import { Controller, Module } from "@nestjs/common";
import { NestFactory } from "@nestjs/core";
import {
  Ctx,
  MessagePattern,
  type MicroserviceOptions,
  Payload,
  type RmqContext,
} from "@nestjs/microservices";
import type { Channel, Message } from "amqplib";
import { concat, map, type Observable, of, range } from "rxjs";
import { rmqOptions } from "./rmqOptions.js";

const ack = (context: RmqContext): void =>
  (context.getChannelRef() as Channel).ack(context.getMessage() as Message);

@Controller()
class DemoController {
  @MessagePattern("demo.echo")
  echo(@Payload() payload: unknown, @Ctx() context: RmqContext): unknown {
    ack(context);
    return payload;
  }

  @MessagePattern("demo.count")
  count(
    @Payload() payload: { readonly n?: unknown } | null,
    @Ctx() context: RmqContext,
  ): Observable<unknown> {
    ack(context);
    const n = Number(payload?.n ?? 0);
    return concat(range(0, n).pipe(map((i) => ({ i }))), of({ count: n }));
  }
}

@Module({ controllers: [DemoController] })
class WorkerModule {}

const main = async (): Promise<void> => {
  const base = rmqOptions();
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(WorkerModule, {
    ...base,
    options: { ...base.options, noAck: false, prefetchCount: 16 },
    logger: ["error", "warn"],
  });
  await app.listen();
  const stop = (): void => {
    void app.close().finally(() => process.exit(0));
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  console.log(`nest worker ready (${process.env.BENCH_QUEUE_TYPE ?? "classic"})`);
};

main().catch((error: unknown) => {
  console.error(`nest worker: ${String(error)}`);
  process.exit(1);
});
