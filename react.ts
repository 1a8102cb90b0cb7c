// `taskbridge/react`: hooks and components.
export * from "./components/index.js";
export * from "./hooks/index.js";
