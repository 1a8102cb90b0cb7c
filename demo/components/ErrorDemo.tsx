import { RequestButton, useBackendRequest } from "@taskbridge/react";
import { useState } from "react";
import { DemoCard } from "./DemoCard.js";

/**
 * An error: `demo.fail` throws in the worker, and the request rejects with the error body
 * `{ code: "WORKER_ERROR", message }` — errors are data, the same in every language.
 */
export function ErrorDemo() {
  const [message, setMessage] = useState("The printer is on fire");
  const failing = useBackendRequest<{ message: string }, never, never>("demo.fail");
  return (
    <DemoCard
      title="An error"
      requestType="demo.fail"
      description="The handler throws; the page gets the error code and message as data."
    >
      <form
        className="demo-row"
        onSubmit={(event) => {
          event.preventDefault();
          failing.send({ message });
        }}
      >
        <label className="demo-field">
          <span>Error message</span>
          <input value={message} onChange={(event) => setMessage(event.target.value)} />
        </label>
        <RequestButton
          request={failing}
          payload={() => ({ message })}
          showError={false}
          // Failing is what this button is for: the alert below shows the error, the button
          // keeps its ordinary look (demo.css).
          className="demo-button--expects-error"
        >
          Run failing task
        </RequestButton>
      </form>
      {failing.isError ? (
        <div className="demo-error" role="alert">
          <code>{failing.error?.code}</code> {failing.error?.message}
        </div>
      ) : (
        <p className="demo-muted demo-result">
          {failing.isPending ? "Waiting for the worker…" : "No error yet."}
        </p>
      )}
    </DemoCard>
  );
}
