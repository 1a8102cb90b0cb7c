import type { ErrorBody } from "@taskbridge/core/protocol";
import { type ButtonHTMLAttributes, type ReactNode, useEffect, useId, useRef } from "react";
import { type UseBackendRequestResult, useBackendRequest } from "../hooks/useBackendRequest.js";
import { describeError } from "./describeError.js";
import {
  type FedRequestProps,
  joinClassNames,
  type OwnRequestProps,
  type PayloadProp,
  resolvePayload,
} from "./requestProps.js";

type ButtonAttributes = Omit<
  ButtonHTMLAttributes<HTMLButtonElement>,
  "onClick" | "onError" | "type" | "children" | "onSuccess"
>;

export type RequestButtonBaseProps<TPayload, TResult> = ButtonAttributes & {
  /** The label of the button while idle or finished. */
  readonly children?: ReactNode;
  /** Sent on click: a value, or a function called at click time. */
  readonly payload?: PayloadProp<TPayload>;
  /** While the request runs, the button becomes a cancel control instead of being disabled. */
  readonly cancelable?: boolean;
  /** The label while it is a cancel control. Default "Cancel". */
  readonly cancelLabel?: ReactNode;
  /** The result of a request this button started. */
  readonly onSuccess?: (data: TResult) => void;
  /** The error of a request this button started (`CANCELLED` included). */
  readonly onError?: (error: ErrorBody) => void;
  /**
   * When the request it shows ends in an error, a message after the button says so
   * (`.tb-button__error`, a polite live region) and becomes the button's accessible description
   * (`aria-describedby`). Default true; false renders the button alone.
   */
  readonly showError?: boolean;
  /** The words of that message. Default "Failed: " and the error's message, or "Cancelled". */
  readonly renderError?: (error: ErrorBody) => ReactNode;
};

export type RequestButtonProps<TPayload = unknown, TResult = unknown> = RequestButtonBaseProps<
  TPayload,
  TResult
> &
  (OwnRequestProps | FedRequestProps<UseBackendRequestResult<TPayload, unknown, TResult>>);

type ViewProps<TPayload, TResult> = RequestButtonBaseProps<TPayload, TResult> & {
  readonly request: UseBackendRequestResult<TPayload, unknown, TResult>;
};

function RequestButtonView<TPayload, TResult>({
  request,
  payload,
  cancelable = false,
  cancelLabel = "Cancel",
  onSuccess,
  onError,
  showError = true,
  renderError = describeError,
  children,
  className,
  disabled,
  "aria-describedby": describedBy,
  ...rest
}: ViewProps<TPayload, TResult>) {
  const errorId = useId();
  // Outcomes arriving after unmount (the unmount itself cancels the request) are not reported.
  const mounted = useRef(false);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const active = request.status === "pending" || request.status === "streaming";
  const showsCancel = active && cancelable;

  const onClick = (): void => {
    if (active) {
      if (cancelable) request.cancel();
      return;
    }
    request.sendAsync(resolvePayload(payload)).then(
      (data) => {
        if (mounted.current) onSuccess?.(data);
      },
      (error: ErrorBody) => {
        if (mounted.current) onError?.(error);
      },
    );
  };

  const error = request.status === "error" ? request.error : undefined;
  const button = (
    <button
      {...rest}
      type="button"
      className={joinClassNames("tb-button", className)}
      data-state={request.status}
      data-cancelled={error?.code === "CANCELLED" ? "" : undefined}
      data-cancel={showsCancel ? "" : undefined}
      aria-busy={active}
      aria-describedby={
        showError && error !== undefined ? joinClassNames(describedBy, errorId) : describedBy
      }
      disabled={disabled || (active && !cancelable)}
      onClick={onClick}
    >
      {showsCancel ? cancelLabel : children}
    </button>
  );
  if (!showError) return button;
  // The live region is there from the start (empty), so that screen readers announce the
  // message when it appears, not only when the button is focused again.
  return (
    <>
      {button}
      <span
        id={errorId}
        className="tb-button__error"
        aria-live="polite"
        data-state={error === undefined ? undefined : "error"}
        data-code={error?.code}
      >
        {error !== undefined && renderError(error)}
      </span>
    </>
  );
}

function OwnRequestButton<TPayload, TResult>({
  type,
  transport,
  timeoutMs,
  ...rest
}: RequestButtonBaseProps<TPayload, TResult> & OwnRequestProps) {
  const request = useBackendRequest<TPayload, unknown, TResult>(type, { transport, timeoutMs });
  return <RequestButtonView {...rest} request={request} />;
}

/**
 * A button that runs a request on click. While it runs the button is `aria-busy` and either
 * disabled or, with `cancelable`, a cancel control; `data-state` follows the request
 * (`idle|pending|streaming|success|error`, with `data-cancelled` when the error is a cancel) for
 * styling, and `onSuccess`/`onError` report the outcome. A failed or cancelled request leaves a message after the button ("Failed: <message>"
 * or "Cancelled"; a polite live region that is also the button's `aria-describedby`), so people
 * see and hear why; `showError={false}` leaves it to the app. Give it `type` (and `payload`) to run its own request, or `request` from
 * `useBackendRequest` to drive a request that a `StreamingLog` or `ProgressPanel` also shows.
 *
 * @example
 * <RequestButton type="demo.count" payload={{ n: 5 }} cancelable onSuccess={console.log}>Count</RequestButton>
 * <RequestButton request={report} payload={() => ({ month })}>Generate</RequestButton>
 */
export function RequestButton<TPayload = unknown, TResult = unknown>(
  props: RequestButtonProps<TPayload, TResult>,
) {
  if (props.request !== undefined) {
    const { request, type: _type, transport: _transport, timeoutMs: _timeoutMs, ...rest } = props;
    return <RequestButtonView {...rest} request={request} />;
  }
  return <OwnRequestButton {...props} />;
}
