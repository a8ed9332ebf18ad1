/**
 * The stable codes of the remote commands' failures. Scripts match on these, never on the
 * message: do not rename or reuse one.
 */
export const remoteCodes = {
  /** No server or no token for it: `weft login --server URL` first. Exit 2. */
  notLoggedIn: 'CLI_NOT_LOGGED_IN',
  /** `--server`/`WEFT_SERVER`/stored server is not an http(s) URL. Exit 2. */
  badServerUrl: 'CLI_BAD_SERVER_URL',
  /** The config file exists but cannot be read or is not a login. Exit 2. */
  configUnreadable: 'CLI_CONFIG_UNREADABLE',
  /** The config file or a base cannot be written or removed. Exit 2. */
  configUnwritable: 'CLI_CONFIG_UNWRITABLE',
  /** No connection (refused, DNS, TLS) or no answer in time. Exit 2. */
  unreachable: 'CLI_SERVER_UNREACHABLE',
  /** The answer is not what a Weft server sends (wrong URL?). Exit 2. */
  badResponse: 'CLI_BAD_RESPONSE',
  /** 5xx. Exit 2. */
  serverError: 'CLI_SERVER_ERROR',
  /** Wrong email or password at login. Exit 1. */
  loginFailed: 'CLI_LOGIN_FAILED',
  /** 401 on a token: revoked, expired or not a token. Exit 1. */
  unauthorized: 'CLI_UNAUTHORIZED',
  /** 403: the caller's role does not allow it. Exit 1. */
  forbidden: 'CLI_FORBIDDEN',
  /** 404: no such pipeline, or no role on it. Exit 1. */
  pipelineNotFound: 'CLI_PIPELINE_NOT_FOUND',
  /** 422: the YAML does not parse or has no `workflow` map; nothing changed. Exit 1. */
  invalidPipeline: 'CLI_INVALID_PIPELINE',
  /** Any other refusal (400, 413, 415, …), with the server's code. Exit 1. */
  requestRefused: 'CLI_REQUEST_REFUSED',
  /** Login had no email or password to read. Exit 2. */
  noCredentials: 'CLI_NO_CREDENTIALS',
  /** Ctrl-C at a prompt. Exit 2. */
  cancelled: 'CLI_CANCELLED',
} as const
