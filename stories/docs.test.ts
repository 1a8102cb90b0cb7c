import { readFileSync } from "node:fs";
import { join } from "node:path";

// docs/storybook.md quotes stories/examples/GreetingCard.stories.tsx; the quote must stay true
// to the file that Storybook and the story tests run (only its import lines differ).
const root = join(__dirname, "..");

test("docs/storybook.md quotes the GreetingCard example story as it is", () => {
  const doc = readFileSync(join(root, "docs/storybook.md"), "utf8");
  const story = readFileSync(join(root, "stories/examples/GreetingCard.stories.tsx"), "utf8");
  const block = /```tsx\n([\s\S]*?)```/.exec(doc)?.[1];
  expect(block).toBeDefined();
  const quoted = (block ?? "").slice((block ?? "").indexOf("// 1."));
  expect(quoted.length).toBeGreaterThan(500);
  expect(story).toContain(quoted);
});
