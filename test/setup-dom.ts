import "@testing-library/jest-dom";
import { configure } from "@testing-library/react";

// findBy*/waitFor give up after 1 s by default: too tight when two cores run the whole suite,
// Storybook and other work at once. A generous ceiling costs nothing when things are quick.
configure({ asyncUtilTimeout: 10_000 });
