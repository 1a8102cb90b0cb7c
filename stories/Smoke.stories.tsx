import type { Meta, StoryObj } from "@storybook/react-vite";
import { expect, within } from "storybook/test";

const Hello = ({ name }: { name: string }) => <p>Hello, {name}</p>;

const meta = { title: "Smoke", component: Hello, args: { name: "taskbridge" } } satisfies Meta<
  typeof Hello
>;
export default meta;

export const Default: StoryObj<typeof meta> = {
  play: async ({ canvasElement }) => {
    await expect(within(canvasElement).getByText("Hello, taskbridge")).toBeInTheDocument();
  },
};
