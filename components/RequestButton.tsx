import { type ButtonHTMLAttributes, type ReactNode, useEffect, useRef } from "react";
import { type UseBackendRequestResult, useBackendRequest } from "../hooks/index.js";
import type { ErrorBody } from "../protocol/index.js";
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
  children,
  className,
  disabled,
  ...rest
}: ViewProps<TPayload, TResult>) {
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

  return (
    <button
      {...rest}
      type="button"
      className={joinClassNames("tb-button", className)}
      data-state={request.status}
      data-cancel={showsCancel ? "" : undefined}
      aria-busy={active}
      disabled={disabled || (active && !cancelable)}
      onClick={onClick}
    >
      {showsCancel ? cancelLabel : children}
    </button>
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
 * (`idle|pending|streaming|success|error`) for styling, and `onSuccess`/`onError` report the
 * outcome. Give it `type` (and `payload`) to run its own request, or `request` from
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
