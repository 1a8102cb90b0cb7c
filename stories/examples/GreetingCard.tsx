import { useBackendRequest } from "@taskbridge/react";

export type GreetingCardProps = {
  /** Who to greet. */
  readonly name: string;
};

/**
 * An app's own component on taskbridge, the subject of docs/storybook.md: it asks the backend
 * (`greeting.compose`) for a greeting and shows the answer, a busy state, or the error. It
 * knows nothing of transports: whatever `BackendProvider` is above it runs the request.
 */
export function GreetingCard({ name }: GreetingCardProps) {
  const greeting = useBackendRequest<{ name: string }, never, { text: string }>("greeting.compose");
  return (
    <article aria-label="Greeting" data-state={greeting.status}>
      <button
        type="button"
        onClick={() => greeting.send({ name })}
        disabled={greeting.isPending}
        aria-busy={greeting.isPending}
      >
        Greet {name}
      </button>
      {greeting.isSuccess && <p>{greeting.data?.text}</p>}
      {greeting.isError && <p role="alert">Could not greet: {greeting.error?.message}</p>}
    </article>
  );
}
