/**
 * What a handler gets besides its payload. The worker SDKs and the memory transport build this
 * same object, so one handler runs unchanged behind RabbitMQ, in Storybook and in tests.
 */
export type HandlerContext<TChunk = unknown> = {
  /** The request's id as the client chose it. */
  readonly id: string;
  /** The request type being served, e.g. `demo.count`. */
  readonly type: string;
  /** 1 on first delivery, one more on each redelivery. */
  readonly attempt: number;
  /** Aborted when the client cancels, the request times out or the worker shuts down. */
  readonly signal: AbortSignal;
  /** Epoch ms at which the client stops waiting. */
  readonly deadline: number;
  /** The authenticated user id, or `anon`. */
  readonly principal: string;
  /** Sends one `chunk` frame. Chunks arrive in the order they were emitted. */
  readonly emit: (chunk: TChunk) => void;
  /** Sends one `progress` frame. */
  readonly progress: (done: number, total?: number, message?: string) => void;
};

/**
 * A request handler: `(payload, ctx) => result`. Returning (or being) an async iterable, or a
 * generator object (a `function*`), streams its items as chunks and ends with a `null` result;
 * arrays and other iterables are results. Throwing ends the request with
 * `WORKER_ERROR` and the thrown message (an error body with another code passes through).
 *
 * @example
 * const echo: Handler = (payload) => payload;
 * async function* count({ n }: { n: number }) { for (let i = 0; i < n; i++) yield { i }; }
 */
export type Handler<TPayload = never, TChunk = unknown, TResult = unknown> = (
  payload: TPayload,
  ctx: HandlerContext<TChunk>,
) =>
  | TResult
  | Promise<TResult>
  | AsyncIterable<TChunk>
  | Generator<TChunk, unknown, undefined>
  | Promise<Generator<TChunk, unknown, undefined>>;

/** Handlers by request type. */
// biome-ignore lint/suspicious/noExplicitAny: a handler map holds handlers of any payload type; callers never see `any`
export type Handlers = Readonly<Record<string, Handler<any, any, any>>>;

/** True for values an `for await` can walk: the streamed form of a handler's return. */
export const isAsyncIterable = (value: unknown): value is AsyncIterable<unknown> =>
  typeof value === "object" &&
  value !== null &&
  typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === "function";

/**
 * True for generator objects (what calling a `function*` returns), the streamed form a handler
 * may return besides an async iterable. Only real generators stream: an array or a `Set` is a
 * result, as in the Python SDK, where only a generator streams.
 *
 * @example
 * isGenerator((function* () {})()); // true
 * isGenerator([1, 2]); // false
 */
export const isGenerator = (value: unknown): value is Generator<unknown, unknown, undefined> =>
  Object.prototype.toString.call(value) === "[object Generator]";

/** Identity helper that keeps each handler's own types while checking the map's shape. */
export const defineHandlers = <T extends Handlers>(handlers: T): T => handlers;
