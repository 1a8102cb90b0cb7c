import type { Decorator, Meta, StoryObj } from "@storybook/react-vite";
import { createMemoryTransport } from "@taskbridge/core";
import { createError, defineHandlers, type Handler } from "@taskbridge/core/protocol";
import { BackendProvider } from "@taskbridge/react";
import { type ReactNode, useEffect, useMemo } from "react";
import { expect, userEvent, within } from "storybook/test";
import { GreetingCard } from "./GreetingCard.js";

// 1. The handlers your worker serves; in a story the memory transport runs the very same ones.
const compose: Handler<{ name: string }, never, { text: string }> = ({ name }) => {
  if (name.trim() === "") throw createError("BAD_REQUEST", "a name is needed");
  return { text: `Hello, ${name}!` };
};
const greetingHandlers = defineHandlers({ "greeting.compose": compose });

// 2. A decorator that gives the story a memory transport running them, made once per story
//    and closed when it unmounts. `parameters.latencyMs` lets a story slow the network down.
function GreetingBackend({ latencyMs, children }: { latencyMs: number; children: ReactNode }) {
  const transport = useMemo(
    () => createMemoryTransport({ handlers: greetingHandlers, latencyMs }),
    [latencyMs],
  );
  useEffect(() => () => void transport.close(), [transport]);
  return <BackendProvider transport={transport}>{children}</BackendProvider>;
}
const withGreetingBackend: Decorator = (Story, { parameters }) => (
  <GreetingBackend latencyMs={Number(parameters.latencyMs ?? 0)}>
    <Story />
  </GreetingBackend>
);

// 3. The meta: CSF3, typed against the component, with autodocs.
const meta = {
  title: "Examples/GreetingCard",
  component: GreetingCard,
  tags: ["autodocs"],
  decorators: [withGreetingBackend],
  args: { name: "Ada" },
} satisfies Meta<typeof GreetingCard>;

export default meta;
type Story = StoryObj<typeof meta>;

// 4. Stories, with play functions that do what a user does and check what they see.
export const Greets: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.click(canvas.getByRole("button", { name: "Greet Ada" }));
    await expect(await canvas.findByText("Hello, Ada!")).toBeVisible();
  },
};

export const Refused: Story = {
  args: { name: " " },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.click(canvas.getByRole("button"));
    await expect(await canvas.findByRole("alert")).toHaveTextContent(
      "Could not greet: a name is needed",
    );
  },
};

export const SlowNetwork: Story = {
  parameters: { latencyMs: 1500 },
  play: async ({ canvasElement }) => {
    const button = within(canvasElement).getByRole("button");
    await userEvent.click(button);
    await expect(button).toBeDisabled();
    const greeting = await within(canvasElement).findByText("Hello, Ada!", {}, { timeout: 4000 });
    await expect(greeting).toBeVisible();
  },
};
