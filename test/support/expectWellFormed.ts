import { isTerminalFrame, type ReplyFrame } from "@taskbridge/core";

/**
 * The protocol's invariants for one finished request's frames (docs/protocol.md §2): every frame
 * of `id`, seq 0, 1, 2 … without gaps, exactly one terminal frame and it is the last. With
 * `accepted`, also whether the first frame is `accepted` (true) or no frame is (false).
 */
export const expectWellFormed = (
  recording: { readonly id: string; readonly frames: readonly ReplyFrame[] },
  options: { readonly accepted?: boolean } = {},
): void => {
  const { frames, id } = recording;
  expect(frames.length).toBeGreaterThan(0);
  for (const frame of frames) expect(frame.id).toBe(id);
  expect(frames.map((f) => f.seq)).toEqual(frames.map((_, index) => index));
  expect(frames.filter((f) => isTerminalFrame(f))).toHaveLength(1);
  expect(isTerminalFrame(frames[frames.length - 1]!)).toBe(true);
  if (options.accepted === true) expect(frames[0]).toEqual({ id, seq: 0, kind: "accepted" });
  if (options.accepted === false) expect(frames.some((f) => f.kind === "accepted")).toBe(false);
};
