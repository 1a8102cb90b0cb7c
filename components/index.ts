export * from "./describeError.js";
export * from "./formatDuration.js";
export * from "./ProgressPanel.js";
export * from "./RequestButton.js";
export * from "./requestProps.js";
export * from "./ServiceCatalog.js";
export * from "./StreamingLog.js";
export * from "./useAutoStart.js";
