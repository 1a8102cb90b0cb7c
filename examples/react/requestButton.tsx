import type { Transport } from "@taskbridge/core";
import { BackendProvider, RequestButton } from "@taskbridge/react";

export function RequestButtonExample({
  transport,
  onReport,
}: {
  transport: Transport;
  onReport: (message: string) => void;
}) {
  return (
    <BackendProvider transport={transport}>
      <RequestButton
        type="report.generate"
        payload={() => ({ month: new Date(2026, 9).toISOString().slice(0, 7) })}
        cancelable
        cancelLabel="Stop generating"
        onSuccess={(report: { url: string }) => onReport(`ready: ${report.url}`)}
        onError={(error) => onReport(`failed: ${error.code}`)}
        // Shown after the button, and read as its description, when the request fails.
        renderError={(error) =>
          error.code === "CANCELLED" ? "Stopped." : `Could not generate: ${error.message}`
        }
        className="my-button"
      >
        Generate report
      </RequestButton>
    </BackendProvider>
  );
}
