/** `weft pull ID [-o FILE]`: a pipeline's current YAML from the server, remembered as the base. */
import { type Command, parseCommandArgs, usageError } from '../command.js'
import { exitCodes } from '../errors.js'
import { fileKind, writeOutput } from '../files.js'
import { PIPELINE_ID, writeBase } from '../remote/bases.js'
import { refusal, request } from '../remote/client.js'
import { resolveRemote } from '../remote/config.js'

export const pull: Command = {
  name: 'pull',
  summary: "print or save a pipeline's YAML from the server",
  help: `Usage: weft pull ID [-o FILE.yaml] [--server URL]

Fetches the current YAML of pipeline ID (comments kept) and prints it, or writes it to FILE
atomically. The text is also remembered as the base for 'weft push --id ID', so a later push
applies only your edits and keeps what others changed meanwhile.

Options:
  -o, --output FILE   write to FILE (.yaml or .yml) instead of stdout
  --server URL        the server (default: WEFT_SERVER, then the stored login); the token is
                      WEFT_TOKEN, else the stored one
  -h, --help          show this help

Exit status: 0 on success, 1 when the server refuses (no such pipeline, no access, token
refused), 2 on usage, I/O or network errors.`,

  async run(args, io) {
    const { values, positionals } = parseCommandArgs(this, args, {
      output: { type: 'string', short: 'o' },
      server: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    })
    if (values.help) {
      io.stdout(`${this.help}\n`)
      return exitCodes.ok
    }
    const [id, ...extra] = positionals
    if (id === undefined) throw usageError(this, 'no pipeline id given')
    if (extra.length > 0) throw usageError(this, `unexpected argument '${extra[0]}'`)
    if (!PIPELINE_ID.test(id)) throw usageError(this, `'${id}' is not a pipeline id`)
    const output = values.output
    if (output !== undefined && fileKind(output) !== 'yaml') {
      throw usageError(this, `the output '${output}' must end in .yaml or .yml`)
    }

    const remote = await resolveRemote(io, values)
    const answer = await request(io, remote.server, 'GET', `/api/pipelines/${id}/yaml`, {
      token: remote.token,
    })
    if (answer.status !== 200) throw refusal(answer, { ...remote, pipelineId: id })
    if (output === undefined) io.stdout(answer.text)
    else await writeOutput(io, output, answer.text)
    await writeBase(io, remote.server, id, answer.text)
    if (output !== undefined) io.stderr(`Pulled ${id} from ${remote.server} into ${output}\n`)
    return exitCodes.ok
  },
}
