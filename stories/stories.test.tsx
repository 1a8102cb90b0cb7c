import { composeStories } from "@storybook/react";
import { configure } from "storybook/test";
import * as greetingCard from "./examples/GreetingCard.stories.js";
import * as progressPanel from "./ProgressPanel.stories.js";
import * as requestButton from "./RequestButton.stories.js";
import * as streamingLog from "./StreamingLog.stories.js";
import * as taskRunner from "./TaskRunner.stories.js";

// Every story of the components, rendered in jsdom with its decorators and its `play`
// function: a quick check (seconds) of what the test-runner checks in Chromium (a minute).
// The stories on the mocked Socket.IO gateway need a browser's WebSocket and run there only.
// As in .storybook/preview.tsx: play functions wait up to 10 s for what they expect.
configure({ asyncUtilTimeout: 10_000 });

const files = { greetingCard, progressPanel, requestButton, streamingLog, taskRunner };

const cases = Object.entries(files).flatMap(([file, module]) =>
  Object.entries(composeStories(module)).map(
    ([name, story]) => [`${file} ${name}`, story] as const,
  ),
);

afterAll(async () => {
  // A composed story unmounts the previous one when the next one loads: unmount the last.
  await cases[0]?.[1].load();
});

test.each(cases)("%s renders and its play function passes", async (_name, story) => {
  await story.run();
});
