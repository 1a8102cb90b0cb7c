import { composeStories } from "@storybook/react";
import { configure } from "storybook/test";
import * as serviceCatalog from "./ServiceCatalog.stories.js";

// The ServiceCatalog stories rendered in jsdom with their decorators and play functions, as
// stories.test.tsx does for the other components. OnToolbarTransport runs on the toolbar's
// transport, which only .storybook/preview.tsx provides: the test-runner checks it in Chromium.
configure({ asyncUtilTimeout: 10_000 });

const cases = Object.entries(composeStories(serviceCatalog)).filter(
  ([name]) => name !== "OnToolbarTransport",
);

afterAll(async () => {
  // A composed story unmounts the previous one when the next one loads: unmount the last.
  await cases[0]?.[1].load();
});

test.each(cases)("ServiceCatalog %s renders and its play function passes", async (_name, story) => {
  await story.run();
});
