import { type Child, startChild } from "./startChild.js";

export type Supervisor = {
  /** Starts a child (`[name]`-prefixed output); refused once stopping began, so nothing is orphaned. */
  readonly launch: (
    name: string,
    command: string,
    args: readonly string[],
    env: NodeJS.ProcessEnv,
  ) => Child;
  /** Stops and forgets one child (a build step that finished, a worker that failed to start). */
  readonly retire: (child: Child) => Promise<void>;
  /** Stops everything if `child` exits while the stack is meant to run. */
  readonly essential: (child: Child) => void;
  /** Stops every child — the last started first — then exits the launcher with `exitCode`. */
  readonly stopAll: (reason: string, exitCode: number) => Promise<void>;
};

export type SupervisorOptions = {
  readonly cwd: string;
  readonly log?: (line: string) => void;
  readonly exit?: (code: number) => void;
};

/**
 * Keeps the launcher's children: starts each in its own process group, and on a signal or a
 * failure stops them in reverse order of start — the gateway (which drains) before the workers
 * that serve it — waiting for each to exit (SIGKILL after a grace period).
 *
 * @example
 * const supervisor = createSupervisor({ cwd: root });
 * process.on("SIGINT", () => void supervisor.stopAll("SIGINT", 0));
 * supervisor.essential(supervisor.launch("worker", bun, ["packages/worker/src/main.ts"], {}));
 */
export const createSupervisor = ({
  cwd,
  log = (line) => console.info(line),
  exit = (code) => process.exit(code),
}: SupervisorOptions): Supervisor => {
  const children: Child[] = [];
  let stopping: Promise<void> | undefined;

  const launch: Supervisor["launch"] = (name, command, args, env) => {
    if (stopping) throw new Error(`not starting ${name}: stopping`);
    const child = startChild({ name, command, args, cwd, env: { ...process.env, ...env } });
    children.push(child);
    return child;
  };

  const retire = async (child: Child): Promise<void> => {
    const index = children.indexOf(child);
    if (index !== -1) children.splice(index, 1);
    await child.stop();
  };

  const stopAll: Supervisor["stopAll"] = (reason, exitCode) => {
    stopping ??= (async () => {
      log(`\ntaskbridge demo: ${reason}, stopping everything…`);
      for (const child of [...children].reverse()) await child.stop();
      log("taskbridge demo: stopped.");
      exit(exitCode);
    })();
    return stopping;
  };

  const essential = (child: Child): void => {
    void child.exited.then((code) => {
      if (!stopping && children.includes(child)) {
        void stopAll(`${child.name} exited (${code})`, 1);
      }
    });
  };

  return { launch, retire, essential, stopAll };
};
