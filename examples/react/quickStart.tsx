import type { Transport } from "@taskbridge/core";
import { BackendProvider, useBackendRequest } from "@taskbridge/react";
import { useState } from "react";

type Report = { url: string };

function ReportForm() {
  const [month, setMonth] = useState("2026-10");
  const report = useBackendRequest<{ month: string }, never, Report>("report.generate", {
    timeoutMs: 60_000,
  });
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        report.send({ month });
      }}
    >
      <label>
        Month <input value={month} onChange={(event) => setMonth(event.target.value)} />
      </label>
      <button type="submit" disabled={report.isPending}>
        Generate report
      </button>
      {report.isPending && (
        <button type="button" onClick={report.cancel}>
          Cancel
        </button>
      )}
      {report.isSuccess && <a href={report.data?.url}>Download the report</a>}
      {report.isError && <p role="alert">{report.error?.message}</p>}
    </form>
  );
}

export function QuickStartExample({ transport }: { transport: Transport }) {
  return (
    <BackendProvider transport={transport}>
      <ReportForm />
    </BackendProvider>
  );
}
