// The NestJS gateway of the benchmark's NestJS peer (docs/benchmarks.md, "What is compared"): the
// bridge a NestJS user would build instead of taskbridge — a `@WebSocketGateway` (Socket.IO,
// `@nestjs/platform-socket.io`, on the app's HTTP server) that forwards each `request` to the
// NestJS worker with `ClientProxy.send` over RabbitMQ (`Transport.RMQ`) and emits the replies as
// the same client frames as bench/baseline/server.ts (docs/protocol.md §2: `reply` events
// `{ id, seq, kind, data | error }`), so the same load generator drives it. Every value the
// worker's Observable emits but the last is a `chunk`; the last is the `result`; an error is an
// `error` frame. No `accepted` frame, no validation, no sessions. Env: PORT, AMQP_URL,
// BENCH_QUEUE_TYPE.
//
// NestJS is built on classes and decorators; that is fine for this bench peer only (it is what a
// NestJS user writes). taskbridge's own code stays functional. bench/nest/tsconfig.json turns on
// the decorators (Bun reads it).
import "reflect-metadata";
import {
  Controller,
  Get,
  Inject,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from "@nestjs/common";
import { NestFactory } from "@nestjs/core";
import { type ClientProxy, ClientsModule } from "@nestjs/microservices";
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
} from "@nestjs/websockets";
import type { Socket } from "socket.io";
import { rmqOptions } from "./rmqOptions.js";

const WORKER = Symbol("WORKER");

type RequestBody = { readonly id: string; readonly type: string; readonly payload?: unknown };

const errorBody = (error: unknown): { readonly code: string; readonly message: string } => ({
  code: "INTERNAL",
  message: error instanceof Error ? error.message : String(error),
});

@WebSocketGateway({ serveClient: false, maxHttpBufferSize: 2 * 1024 * 1024 })
class BridgeGateway implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(WORKER) private readonly worker: ClientProxy) {}

  /** Connects to RabbitMQ at start (else the first request would). */
  async onApplicationBootstrap(): Promise<void> {
    await this.worker.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker.close();
  }

  @SubscribeMessage("request")
  relay(@ConnectedSocket() socket: Socket, @MessageBody() body: RequestBody): void {
    let seq = 0;
    let last: { readonly value: unknown } | undefined;
    this.worker.send<unknown, unknown>(body.type, body.payload ?? null).subscribe({
      next: (value) => {
        if (last !== undefined) {
          socket.emit("reply", { id: body.id, seq, kind: "chunk", data: last.value });
          seq += 1;
        }
        last = { value };
      },
      complete: () => {
        socket.emit("reply", { id: body.id, seq, kind: "result", data: last?.value ?? null });
      },
      error: (error: unknown) => {
        socket.emit("reply", { id: body.id, seq, kind: "error", error: errorBody(error) });
      },
    });
  }
}

@Controller()
class HealthController {
  @Get("healthz")
  health(): string {
    return "ok";
  }
}

@Module({
  imports: [ClientsModule.register([{ name: WORKER, ...rmqOptions() }])],
  controllers: [HealthController],
  providers: [BridgeGateway],
})
class GatewayModule {}

const main = async (): Promise<void> => {
  const port = Number(process.env.PORT ?? 8092);
  const app = await NestFactory.create(GatewayModule, { logger: ["error", "warn"] });
  app.enableShutdownHooks();
  await app.listen(port, "127.0.0.1");
  console.log(`nest gateway listening on ${port}`);
};

main().catch((error: unknown) => {
  console.error(`nest gateway: ${String(error)}`);
  process.exit(1);
});
