import { readFileSync } from "node:fs";

/** Running: it exists and is not a zombie waiting for a reaper (which has exited already). */
export const isRunning = (pid: number): boolean => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
};

/**
 * Resolves with the pids still running once none is, or `deadlineMs` passed (Linux, /proc). Another
 * process's end has no event to await here, so it looks every 100 ms until the deadline.
 */
export const untilGone = async (pids: readonly number[], deadlineMs: number): Promise<number[]> => {
  const end = Date.now() + deadlineMs;
  let running = pids.filter(isRunning);
  while (running.length > 0 && Date.now() < end) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    running = running.filter(isRunning);
  }
  return running;
};
