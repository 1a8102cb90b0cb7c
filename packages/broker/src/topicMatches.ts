/**
 * AMQP topic matching: words are separated by `.`, `*` matches exactly one word and `#` zero or
 * more. Used by the memory broker's topic exchanges, exactly as RabbitMQ routes.
 *
 * @example
 * topicMatches("announce.*", "announce.demo") // true: `*` is one word
 * topicMatches("announce.*", "announce.demo.echo") // false
 * topicMatches("announce.#", "announce.demo.echo") // true
 */
export const topicMatches = (pattern: string, routingKey: string): boolean =>
  matchWords(pattern.split("."), 0, routingKey.split("."), 0);

const matchWords = (
  pattern: readonly string[],
  p: number,
  words: readonly string[],
  w: number,
): boolean => {
  if (p === pattern.length) return w === words.length;
  const head = pattern[p];
  if (head === "#") {
    for (let skip = w; skip <= words.length; skip++) {
      if (matchWords(pattern, p + 1, words, skip)) return true;
    }
    return false;
  }
  if (w === words.length) return false;
  if (head !== "*" && head !== words[w]) return false;
  return matchWords(pattern, p + 1, words, w + 1);
};
