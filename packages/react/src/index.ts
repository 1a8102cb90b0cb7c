// `@taskbridge/react`: React hooks and components over `@taskbridge/core`. The stylesheet is
// `@taskbridge/react/taskbridge.css`.

export { describeError } from "./components/describeError.js";
export { estimateRemainingMs, formatDuration } from "./components/formatDuration.js";
export {
  describeRequest,
  ProgressPanel,
  type ProgressPanelBaseProps,
  type ProgressPanelProps,
} from "./components/ProgressPanel.js";
export {
  RequestButton,
  type RequestButtonBaseProps,
  type RequestButtonProps,
} from "./components/RequestButton.js";
export {
  type FedRequestProps,
  joinClassNames,
  type OwnRequestProps,
  type PayloadProp,
  resolvePayload,
} from "./components/requestProps.js";
export {
  describeCatalog,
  ServiceCatalog,
  type ServiceCatalogBaseProps,
  type ServiceCatalogProps,
} from "./components/ServiceCatalog.js";
export {
  defaultRenderChunk,
  defaultRenderLogError,
  StreamingLog,
  type StreamingLogBaseProps,
  type StreamingLogProps,
} from "./components/StreamingLog.js";
export { useAutoStart } from "./components/useAutoStart.js";
export {
  BackendProvider,
  type BackendProviderProps,
  TransportContext,
} from "./hooks/BackendProvider.js";
export {
  type BackendRequestView,
  type SendOptions,
  type UseBackendRequestOptions,
  type UseBackendRequestResult,
  useBackendRequest,
} from "./hooks/useBackendRequest.js";
export { useConnectionState } from "./hooks/useConnectionState.js";
export {
  type UseServicesOptions,
  type UseServicesResult,
  useServices,
} from "./hooks/useServices.js";
export { useTransport } from "./hooks/useTransport.js";
