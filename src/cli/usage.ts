/** A usage error: the command line asked for something impossible; exit status 2, nothing sent. */
export class UsageError extends Error {}
