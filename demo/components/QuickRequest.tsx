import { RequestButton, useBackendRequest } from "@taskbridge/react";
import { useState } from "react";
import { DemoCard } from "./DemoCard.js";

/**
 * A quick request: `demo.echo` sends the text and the worker returns it. Shows the result and
 * the round trip as the hook measured it.
 */
export function QuickRequest() {
  const [text, setText] = useState("Hello, taskbridge");
  const echo = useBackendRequest<{ text: string }, never, { text: string }>("demo.echo", {
    timeoutMs: 30_000,
  });
  const took =
    echo.startedAt !== undefined && echo.finishedAt !== undefined
      ? Math.max(0, echo.finishedAt - echo.startedAt)
      : undefined;
  return (
    <DemoCard
      title="Quick request"
      requestType="demo.echo"
      description="A round trip through the gateway and a worker: what you send comes back."
    >
      <form
        className="demo-row"
        onSubmit={(event) => {
          event.preventDefault();
          echo.send({ text });
        }}
      >
        <label className="demo-field">
          <span>Message</span>
          <input value={text} onChange={(event) => setText(event.target.value)} />
        </label>
        <RequestButton request={echo} payload={() => ({ text })} showError={false}>
          Send
        </RequestButton>
      </form>
      <output className="demo-result" aria-label="Echo result" data-state={echo.status}>
        {echo.isSuccess && (
          <>
            Echoed “{echo.data?.text}”
            {took !== undefined && <span className="demo-muted"> · {took} ms</span>}
          </>
        )}
        {echo.isPending && "Waiting for the worker…"}
        {echo.isError && `Failed: ${echo.error?.message}`}
        {echo.isIdle && <span className="demo-muted">No request yet.</span>}
      </output>
    </DemoCard>
  );
}
