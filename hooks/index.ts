export * from "./BackendProvider.js";
export * from "./useBackendRequest.js";
export * from "./useConnectionState.js";
export * from "./useServices.js";
export * from "./useTransport.js";
