// `taskbridge/react`: hooks and components.
export {};
