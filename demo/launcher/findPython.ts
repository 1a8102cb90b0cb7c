import { spawnSync } from "node:child_process";

/** Where to look for a Python with aio-pika: Debian's first (the `python3` on PATH may lack it). */
export const PYTHON_CANDIDATES = ["/usr/bin/python3", "python3"] as const;

/**
 * The first interpreter among `candidates` that can `import aio_pika`, or `undefined`. The
 * Python worker (workers/python) needs nothing else.
 *
 * @example
 * const python = findPython(); // "/usr/bin/python3" on Debian with python3-aio-pika
 */
export const findPython = (candidates: readonly string[] = PYTHON_CANDIDATES): string | undefined =>
  candidates.find((candidate) => {
    const check = spawnSync(candidate, ["-c", "import aio_pika"], {
      stdio: "ignore",
      timeout: 15_000,
    });
    return check.status === 0;
  });
