import type { ErrorBody } from "@taskbridge/core/protocol";
import { RequestButton, type RequestButtonProps } from "@taskbridge/react";
import { useState } from "react";

type Outcome =
  | { readonly kind: "none" }
  | { readonly kind: "result"; readonly data: unknown }
  | { readonly kind: "error"; readonly error: ErrorBody };

/**
 * A `RequestButton` with what its `onSuccess`/`onError` reported printed under it: the result
 * as a status line, an error as an alert with its code and message. The button itself shows
 * state (`data-state`, `aria-busy`) and its own short error line ("Failed: …", "Cancelled");
 * this is how an app adds the result, or more about an error.
 */
export function ButtonWithOutcome<TPayload, TResult>(props: RequestButtonProps<TPayload, TResult>) {
  const [outcome, setOutcome] = useState<Outcome>({ kind: "none" });
  return (
    <div>
      <RequestButton
        {...props}
        onSuccess={(data) => {
          setOutcome({ kind: "result", data });
          props.onSuccess?.(data);
        }}
        onError={(error) => {
          setOutcome({ kind: "error", error });
          props.onError?.(error);
        }}
      />
      {outcome.kind === "result" && (
        <p role="status">
          Result: <code>{JSON.stringify(outcome.data)}</code>
        </p>
      )}
      {outcome.kind === "error" && (
        <p role="alert">
          {outcome.error.code}: {outcome.error.message}
        </p>
      )}
    </div>
  );
}
