// `@taskbridge/cli`: the `taskbridge types` command as functions, for scripts and build tools
// that would rather call it than spawn it. The `taskbridge` bin runs `runCli`.
export { type FetchCatalogOptions, fetchCatalog } from "./fetchCatalog.js";
export {
  type CatalogService,
  type GenerateOptions,
  generateContractModule,
  SERVICES_INTERFACE,
} from "./generateContractModule.js";
export { defaultCliIo, runCli, USAGE } from "./runCli.js";
export type { TypesCommandIo, TypesCommandOptions } from "./typesCommand.js";
