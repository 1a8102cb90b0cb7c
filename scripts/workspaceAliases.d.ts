/** Package specifier → source file, relative to the repository root. */
export declare const workspaceEntries: Readonly<Record<string, string>>;
/** Vite's `resolve.alias`: exact matches to absolute source paths. */
export declare const viteAliases: readonly { find: RegExp; replacement: string }[];
/** Jest's `moduleNameMapper`. */
export declare const jestModuleNameMapper: Readonly<Record<string, string>>;
