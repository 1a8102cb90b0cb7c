/** The Chromium binary: `$CHROMIUM_PATH` when set, `/usr/bin/chromium` otherwise. */
export declare const CHROMIUM_PATH: string;
/** Headless launch flags with no background networking (see chromium.js). */
export declare const CHROMIUM_ARGS: readonly string[];
