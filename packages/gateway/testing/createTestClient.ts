import type { ErrorBody, ReplyFrame } from "@taskbridge/core/protocol";
import type { Socket } from "socket.io-client";

/** A raw protocol client: a socket.io-client socket plus everything it has received. */
export type TestClient = {
  readonly socket: Socket;
  readonly sessionId: string;
  readonly replies: ReplyFrame[];
  readonly protocolErrors: ErrorBody[];
  /** The frames received for one request id, in arrival order. */
  readonly framesOf: (id: string) => ReplyFrame[];
  /** Resolves once `predicate` holds over what was received (checked on every event). */
  readonly until: (predicate: () => boolean, label?: string) => Promise<void>;
  /** Resolves with the terminal frame of `id`. */
  readonly terminal: (id: string) => Promise<ReplyFrame>;
  readonly close: () => void;
};

const isTerminal = (frame: ReplyFrame) => frame.kind === "result" || frame.kind === "error";

/**
 * Records what a socket of session `sessionId` receives (`reply` frames, `protocol_error`
 * bodies) and lets a test wait on it; `onClose` runs when the test closes the client.
 */
export const createTestClient = (
  socket: Socket,
  sessionId: string,
  onClose: (client: TestClient) => void,
): TestClient => {
  const replies: ReplyFrame[] = [];
  const protocolErrors: ErrorBody[] = [];
  const waiters = new Set<() => void>();
  const check = () => {
    for (const waiter of [...waiters]) waiter();
  };
  socket.on("reply", (frame: ReplyFrame) => {
    replies.push(frame);
    check();
  });
  socket.on("protocol_error", (error: ErrorBody) => {
    protocolErrors.push(error);
    check();
  });
  const until = (predicate: () => boolean): Promise<void> =>
    new Promise((resolve) => {
      if (predicate()) return resolve();
      const waiter = () => {
        if (!predicate()) return;
        waiters.delete(waiter);
        resolve();
      };
      waiters.add(waiter);
    });
  const framesOf = (id: string) => replies.filter((frame) => frame.id === id);
  const client: TestClient = {
    socket,
    sessionId,
    replies,
    protocolErrors,
    framesOf,
    until,
    terminal: async (id) => {
      await until(() => framesOf(id).some(isTerminal));
      return framesOf(id).find(isTerminal)!;
    },
    close: () => {
      onClose(client);
      socket.close();
    },
  };
  return client;
};
