import { spawn } from "node:child_process";

/** What `createGroupReaper` returns. */
export type GroupReaper = {
  /** From now on, process group `pgid` is killed when this process dies. */
  readonly watch: (pgid: number) => void;
  /** `pgid` ended normally: no longer killed (its id may be reused). */
  readonly forget: (pgid: number) => void;
};

// Reads "+ <pgid>" and "- <pgid>" lines; at the end of its stdin (this process died, however it
// died), SIGKILLs every group still listed.
const REAPER = `
declare -A groups
while read -r op pgid; do
  if [ "$op" = "+" ]; then groups[$pgid]=1; else unset "groups[$pgid]"; fi
done
for pgid in "\${!groups[@]}"; do kill -KILL -- "-$pgid" 2>/dev/null; done
`;

/**
 * A watchdog for the process groups the bench starts: one bash process in a session of its own
 * that holds the reading end of a pipe whose writing end only this process has. When this
 * process dies — SIGKILL and `timeout` included, where no exit handler runs — the kernel closes
 * the pipe and the watchdog kills every group it was told about and not told to forget. Without
 * it a bench killed from outside left its gateways and workers running (two gateways and two
 * Python workers were found an hour later). Started on first `watch`; it never keeps this
 * process alive.
 *
 * @example
 * const reaper = createGroupReaper();
 * reaper.watch(child.pid); // the child was spawned with `detached: true`
 */
export const createGroupReaper = (): GroupReaper => {
  let write: ((line: string) => void) | undefined;
  const start = (): ((line: string) => void) => {
    const child = spawn("bash", ["-c", REAPER], {
      detached: true,
      stdio: ["pipe", "ignore", "ignore"],
    });
    child.unref();
    const stdin = child.stdin;
    // A dead watchdog must not take the bench down with an EPIPE.
    stdin?.on("error", () => {});
    (stdin as unknown as { unref?: () => void } | null)?.unref?.();
    return (line) => {
      stdin?.write(line);
    };
  };
  return {
    watch: (pgid) => {
      write ??= start();
      write(`+ ${pgid}\n`);
    },
    forget: (pgid) => write?.(`- ${pgid}\n`),
  };
};
