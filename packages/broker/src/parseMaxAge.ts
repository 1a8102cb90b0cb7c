const UNIT_MS: Readonly<Record<string, number>> = {
  Y: 365 * 86_400_000,
  M: 30 * 86_400_000,
  D: 86_400_000,
  h: 3_600_000,
  m: 60_000,
  s: 1000,
};

/**
 * A stream's `x-max-age` in milliseconds, read as RabbitMQ reads it: a positive integer and one
 * unit, `Y` (365 days), `M` (30 days), `D`, `h`, `m` or `s` — `2h`, `90m`, `7D`. Undefined for
 * anything else (RabbitMQ refuses such a declaration).
 *
 * @example
 * parseMaxAge("2h") // 7_200_000
 */
export const parseMaxAge = (value: unknown): number | undefined => {
  if (typeof value !== "string") return undefined;
  const match = /^([1-9][0-9]{0,8})([YMDhms])$/.exec(value);
  return match === null ? undefined : Number(match[1]) * UNIT_MS[match[2]!]!;
};
