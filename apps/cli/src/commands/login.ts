/**
 * `weft login --server URL` and `weft logout`: trade an email and password for an API token once,
 * and keep it (never print it) in the user's config file for the remote commands.
 */
import { type Command, parseCommandArgs, usageError } from '../command.js'
import { CliError, exitCodes } from '../errors.js'
import { remoteCodes } from '../remote/codes.js'
import { request, refusal } from '../remote/client.js'
import {
  configPath,
  normalizeServer,
  readLogin,
  removeLogin,
  writeLogin,
} from '../remote/config.js'

export const login: Command = {
  name: 'login',
  summary: 'sign in to a Weft server and store a token',
  help: `Usage: weft login --server URL [--email EMAIL]

Asks for your email and password, trades them for an API token named weft-cli@<hostname>, and
stores { server, token } in your config file (created readable by you only, mode 0600):
$WEFT_CONFIG, else $XDG_CONFIG_HOME/weft/config.json, else ~/.config/weft/config.json.

On a terminal the password is read without echo. Otherwise the password (and the email, when
--email is not given, on the line before it) is read from stdin, for scripts:
  printf '%s\\n' "$PASSWORD" | weft login --server https://weft.example.com --email me@example.com
The password is never accepted as a flag. The token is never printed.

Options:
  --server URL    the Weft server (default: WEFT_SERVER, then the stored login's server)
  --email EMAIL   your email (asked when missing)
  -h, --help      show this help

Exit status: 0 when logged in, 1 for a wrong email or password, 2 on usage, I/O or network errors.`,

  async run(args, io) {
    const { values, positionals } = parseCommandArgs(this, args, {
      server: { type: 'string' },
      email: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    })
    if (values.help) {
      io.stdout(`${this.help}\n`)
      return exitCodes.ok
    }
    if (positionals.length > 0) throw usageError(this, `unexpected argument '${positionals[0]}'`)
    // A damaged config file must not stop the login that replaces it.
    const stored = await readLogin(io).catch(() => undefined)
    const given = values.server ?? nonEmpty(io.env.WEFT_SERVER) ?? stored?.server
    if (given === undefined) throw usageError(this, 'no server given: use --server URL')
    const server = normalizeServer(given)

    const email = (values.email ?? (await io.readLine('Email: ', { hidden: false })))?.trim()
    if (email === undefined || email === '') throw noCredentials('an email')
    const password = await io.readLine('Password: ', { hidden: true })
    if (password === undefined || password === '') throw noCredentials('a password')

    // The name lets the user tell this machine's token apart when listing or revoking tokens.
    const name = `weft-cli@${io.hostname}`.slice(0, 100)
    const answer = await request(io, server, 'POST', '/api/auth/token', {
      json: { email, password, name },
    })
    if (answer.status === 401) {
      throw new CliError(
        `${server} refused the email or password`,
        exitCodes.invalid,
        remoteCodes.loginFailed,
      )
    }
    const token = (answer.json as { token?: unknown } | undefined)?.token
    if (answer.status !== 201 || typeof token !== 'string' || token === '') {
      throw refusal(answer, { server })
    }
    const path = await writeLogin(io, { server, token })
    io.stderr(`Logged in to ${server} as ${email}; the token is stored in ${path}\n`)
    return exitCodes.ok
  },
}

export const logout: Command = {
  name: 'logout',
  summary: 'forget the stored token',
  help: `Usage: weft logout

Removes the stored login (server and token) from your config file. The pulled bases that
'weft push' merges against stay, so a later login can push as before.

Options:
  -h, --help   show this help

Exit status: 0 when no login remains, 2 when the file cannot be removed.`,

  async run(args, io) {
    const { values, positionals } = parseCommandArgs(this, args, {
      help: { type: 'boolean', short: 'h' },
    })
    if (values.help) {
      io.stdout(`${this.help}\n`)
      return exitCodes.ok
    }
    if (positionals.length > 0) throw usageError(this, `unexpected argument '${positionals[0]}'`)
    const removed = await removeLogin(io)
    io.stderr(removed ? `Logged out: removed ${configPath(io)}\n` : 'Not logged in\n')
    return exitCodes.ok
  },
}

function noCredentials(what: string): CliError {
  return new CliError(
    `login needs ${what}: type it when asked, or pipe it on stdin (the password is never a flag)`,
    exitCodes.usage,
    remoteCodes.noCredentials,
  )
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value
}
