/**
 * The one queue the NestJS bench peer's RMQ transport serves: every pattern (`demo.echo`,
 * `demo.count`) goes to it. A file of its own so the bench process can name it (to delete it)
 * without loading NestJS.
 */
export const NEST_QUEUE = "nest.requests";
