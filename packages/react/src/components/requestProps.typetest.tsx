// Compile-time checks of the two prop modes (bound to an own request, or fed one): `tsc` fails
// when a line that must compile does not, or a `@ts-expect-error` line stops being an error.
import { useBackendRequest } from "../hooks/useBackendRequest.js";
import { ProgressPanel } from "./ProgressPanel.js";
import { RequestButton } from "./RequestButton.js";
import { StreamingLog } from "./StreamingLog.js";

type Count = { readonly n: number };

export function RequestPropsTypeTest() {
  const count = useBackendRequest<Count, { i: number }, { count: number }>("demo.count");
  return (
    <>
      <RequestButton type="demo.count" payload={{ n: 1 }} cancelable>
        Own
      </RequestButton>
      <RequestButton request={count} payload={{ n: 1 }} onSuccess={(result) => result.count}>
        Fed
      </RequestButton>
      <RequestButton request={count} payload={() => ({ n: 2 })}>
        Fed, payload function
      </RequestButton>
      {/* @ts-expect-error the payload must fit the fed request's payload type */}
      <RequestButton request={count} payload={{ m: 1 }} />
      {/* @ts-expect-error bound or fed, not both */}
      <RequestButton request={count} type="demo.count" />
      {/* @ts-expect-error one of the two is needed */}
      <RequestButton>Neither</RequestButton>

      <StreamingLog request={count} renderChunk={(chunk) => chunk.i.toFixed(0)} />
      <StreamingLog type="demo.count" payload={{ n: 3 }} />
      {/* @ts-expect-error a fed log takes no payload: the request already has one */}
      <StreamingLog request={count} payload={{ n: 3 }} />
      {/* @ts-expect-error renderChunk sees the fed request's chunk type */}
      <StreamingLog request={count} renderChunk={(chunk) => chunk.missing} />

      <ProgressPanel request={count} label="Counting" />
      <ProgressPanel type="demo.progress" payload={{ steps: 3, delayMs: 10 }} />
      {/* @ts-expect-error bound or fed, not both */}
      <ProgressPanel request={count} transport={undefined} type="demo.progress" />
    </>
  );
}
