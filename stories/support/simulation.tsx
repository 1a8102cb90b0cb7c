import type { ArgTypes, Decorator } from "@storybook/react-vite";
import type { Transport } from "@taskbridge/core";
import { createMemoryTransport } from "@taskbridge/core";
import type { ErrorCode } from "@taskbridge/core/protocol";
import { referenceHandlers } from "@taskbridge/core/reference";
import { BackendProvider } from "@taskbridge/react";
import { type ReactNode, useEffect, useMemo } from "react";
import { createStoryHandlers } from "./storyHandlers.js";
import { USER_ERROR_CODES, USER_ERRORS } from "./userErrors.js";

/** The memory transport's knobs as story args (the Controls panel). */
export type SimulationArgs = {
  /** Delay before a request reaches its handler, ms. */
  readonly latencyMs?: number;
  /** Up to this much extra random delay per request, ms. */
  readonly jitterMs?: number;
  /** Share of requests refused with `failWith`, 0 … 1. */
  readonly failureRate?: number;
  /** The error of a refused request. */
  readonly failWith?: ErrorCode;
  /** Chunks per second of the paced story handlers; 0: as fast as possible. */
  readonly chunkRate?: number;
  /** The worker dies after this many frames of every attempt (4 attempts: `WORKER_CRASHED`). */
  readonly crashAfterFrames?: number;
};

const SIMULATION_KEYS = [
  "latencyMs",
  "jitterMs",
  "failureRate",
  "failWith",
  "chunkRate",
  "crashAfterFrames",
] as const satisfies readonly (keyof SimulationArgs)[];

/** Controls for `SimulationArgs`, grouped under "Memory transport". */
export const simulationArgTypes: Partial<ArgTypes<SimulationArgs>> = {
  latencyMs: {
    control: { type: "range", min: 0, max: 5000, step: 50 },
    table: { category: "Memory transport" },
    description: "Delay before a request reaches its handler (ms)",
  },
  jitterMs: {
    control: { type: "range", min: 0, max: 5000, step: 50 },
    table: { category: "Memory transport" },
    description: "Up to this much extra random delay per request (ms)",
  },
  failureRate: {
    control: { type: "range", min: 0, max: 1, step: 0.05 },
    table: { category: "Memory transport" },
    description: "Share of requests refused with `failWith`",
  },
  failWith: {
    control: { type: "select" },
    options: USER_ERROR_CODES,
    table: { category: "Memory transport" },
    description: "The error of a refused request",
  },
  chunkRate: {
    control: { type: "range", min: 0, max: 200, step: 1 },
    table: { category: "Memory transport" },
    description: "Chunks per second of the paced handlers (0: no pause)",
  },
  crashAfterFrames: {
    control: { type: "number", min: 0 },
    table: { category: "Memory transport" },
    description: "The worker dies after this many frames of every attempt",
  },
};

/** The args without the simulation knobs: what may reach a component as props. */
export const withoutSimulationArgs = <T extends object>(args: T): T => {
  const props = { ...args } as Record<string, unknown>;
  for (const key of SIMULATION_KEYS) delete props[key];
  return props as T;
};

/**
 * A memory transport running the reference services and the story handlers with the given
 * knobs. Every request fails with `failWith` at `failureRate`; with `crashAfterFrames` every
 * attempt dies after that many frames.
 */
export const createSimulatedTransport = (args: SimulationArgs): Transport =>
  createMemoryTransport({
    handlers: { ...referenceHandlers, ...createStoryHandlers({ chunkRate: args.chunkRate }) },
    latencyMs: args.latencyMs ?? 0,
    jitterMs: args.jitterMs ?? 0,
    failureRate: args.failureRate ?? 0,
    failWith: args.failWith === undefined ? undefined : USER_ERRORS[args.failWith],
    crash: args.crashAfterFrames === undefined ? undefined : () => args.crashAfterFrames,
  });

function SimulatedBackend({ args, children }: { args: SimulationArgs; children: ReactNode }) {
  const { latencyMs, jitterMs, failureRate, failWith, chunkRate, crashAfterFrames } = args;
  const transport = useMemo(
    () =>
      createSimulatedTransport({
        latencyMs,
        jitterMs,
        failureRate,
        failWith,
        chunkRate,
        crashAfterFrames,
      }),
    [latencyMs, jitterMs, failureRate, failWith, chunkRate, crashAfterFrames],
  );
  useEffect(() => () => void transport.close(), [transport]);
  return <BackendProvider transport={transport}>{children}</BackendProvider>;
}

/**
 * Story decorator: the story runs on its own memory transport built from its args
 * (`SimulationArgs`), rebuilt when a control changes. When the toolbar's Transport is "live",
 * it steps aside and the story runs on the global live transport instead, so the same story
 * drives the real stack.
 */
export const withSimulatedBackend: Decorator = (Story, context) => {
  if (context.globals.transport === "live") return <Story />;
  return (
    <SimulatedBackend args={context.args as SimulationArgs}>
      <Story />
    </SimulatedBackend>
  );
};
