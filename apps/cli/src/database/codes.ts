/**
 * The stable codes of `weft export --database-url/--data-dir` failures. Scripts match on these,
 * never on the message: do not rename or reuse one. A missing pipeline is `CLI_PIPELINE_NOT_FOUND`,
 * as for the remote commands.
 */
export const databaseCodes = {
  /** The URL is not postgres:// or postgresql://. Exit 2. */
  badUrl: 'CLI_BAD_DATABASE_URL',
  /** No connection, a refused login, or no such database on that server. Exit 2. */
  unreachable: 'CLI_DATABASE_UNREACHABLE',
  /** The --data-dir directory holds no database. Exit 2. */
  noDatabase: 'CLI_NO_DATABASE',
  /** A running server holds the --data-dir directory. Exit 2. */
  inUse: 'CLI_DATABASE_IN_USE',
  /** The database has no Weft schema: not the server's database. Exit 1. */
  notWeft: 'CLI_NOT_A_WEFT_DATABASE',
  /** A newer Weft migrated the database; this weft does not know its schema. Exit 1. */
  tooNew: 'CLI_DATABASE_TOO_NEW',
  /** Connected, but a read failed (a role without SELECT, a dropped connection). Exit 2. */
  readFailed: 'CLI_DATABASE_ERROR',
} as const
