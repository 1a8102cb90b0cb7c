/** How a channel settles delivery tags: what `createAckBatcher` writes through. */
export type AckWriter = {
  /** `basic.ack`; `multiple`: every unacked tag up to and including `tag`. */
  readonly ack: (tag: number, multiple: boolean) => void;
  /** `basic.nack` of `tag` alone. */
  readonly nack: (tag: number, requeue: boolean) => void;
};

export type AckBatcher = {
  /** A message was delivered with `tag` (tags arrive in increasing order). */
  readonly delivered: (tag: number) => void;
  /** Settles `tag` (ack, or nack with `requeue`) at the next flush. */
  readonly settle: (tag: number, outcome: "ack" | { readonly requeue: boolean }) => void;
  /** Writes every settlement queued so far, now. */
  readonly flush: () => void;
  /** The channel is gone (RabbitMQ requeued its unacked messages): forget everything. */
  readonly reset: () => void;
};

const RUNNING = 0;
const ACK = 1;
const NACK_REQUEUE = 2;
const NACK_DROP = 3;
const WRITTEN = 4;

/**
 * Settles one channel's deliveries in batches: acks and nacks are written together at `schedule`
 * (default `queueMicrotask`: after the callbacks of the same read from the socket, so with the
 * amqplib pass that writes them anyway, not a loop turn later), and the acks that settle a run of
 * deliveries from the oldest one still unacked go as one `basic.ack` with `multiple` (the worker
 * acks a request only after the broker confirmed its terminal reply, and those confirms arrive
 * in batches). Only RabbitMQ's view matters: a multiple ack of tag t settles every tag ≤ t it
 * still holds, so t must be one the batcher acks and every unsettled tag below t one it acks too.
 * Therefore nacks are written first (a nacked tag is then gone, and a multiple ack may pass it);
 * a delivery still running stops the run, and acks after it go one by one. Everything goes
 * through one channel in order, so one flush's settlements reach RabbitMQ before the next's.
 *
 * @example
 * const acks = createAckBatcher({ ack: (tag, multiple) => channel.ack(msg(tag), multiple),
 *   nack: (tag, requeue) => channel.nack(msg(tag), false, requeue) });
 * acks.delivered(1); acks.delivered(2);
 * acks.settle(2, "ack"); acks.settle(1, "ack"); // then one basic.ack, tag 2, multiple
 */
export const createAckBatcher = (
  writer: AckWriter,
  schedule: (flush: () => void) => unknown = queueMicrotask,
): AckBatcher => {
  // Deliveries not yet settled on the wire, oldest first, and what is due for each.
  let tags: number[] = [];
  let states: number[] = [];
  const index = new Map<number, number>();
  let due = 0;
  let scheduled = false;

  const flush = (): void => {
    scheduled = false;
    if (due === 0) return;
    due = 0;
    for (let i = 0; i < tags.length; i += 1) {
      const state = states[i];
      if (state === NACK_REQUEUE || state === NACK_DROP) {
        states[i] = WRITTEN;
        writer.nack(tags[i] as number, state === NACK_REQUEUE);
      }
    }
    // The run of settled deliveries from the oldest: one ack (multiple when it covers more).
    let run = 0;
    let lastAck = -1;
    let acksInRun = 0;
    while (run < tags.length && states[run] !== RUNNING) {
      if (states[run] === ACK) {
        lastAck = run;
        acksInRun += 1;
        states[run] = WRITTEN;
      }
      run += 1;
    }
    if (lastAck >= 0) writer.ack(tags[lastAck] as number, acksInRun > 1);
    for (let i = run; i < tags.length; i += 1) {
      if (states[i] !== ACK) continue;
      states[i] = WRITTEN;
      writer.ack(tags[i] as number, false);
    }
    const keptTags: number[] = [];
    const keptStates: number[] = [];
    index.clear();
    for (let i = 0; i < tags.length; i += 1) {
      if (states[i] === WRITTEN) continue;
      index.set(tags[i] as number, keptTags.length);
      keptTags.push(tags[i] as number);
      keptStates.push(states[i] as number);
    }
    tags = keptTags;
    states = keptStates;
  };

  return {
    delivered: (tag) => {
      index.set(tag, tags.length);
      tags.push(tag);
      states.push(RUNNING);
    },
    settle: (tag, outcome) => {
      const i = index.get(tag);
      if (i === undefined || states[i] !== RUNNING) return;
      states[i] = outcome === "ack" ? ACK : outcome.requeue ? NACK_REQUEUE : NACK_DROP;
      due += 1;
      if (!scheduled) {
        scheduled = true;
        schedule(flush);
      }
    },
    flush,
    reset: () => {
      tags = [];
      states = [];
      index.clear();
      due = 0;
    },
  };
};
