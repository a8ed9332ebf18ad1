/**
 * The step-type catalogue: every step type, prompt part, `claude_options` key and workflow key
 * pipeline_ex knows, with a label, a kind for the inspector, the runtime default and a doc line
 * true to pipeline_ex's code (reference §§4-15). The web editor's step library and inspector are
 * generated from it, and `knownKeys` feeds "did you mean" hints.
 *
 * Keys pipeline_ex reads but never acts on, and documented keys nothing reads, are listed too
 * with `effect: 'ignored'`: authors meet them in the docs and the corpus, and the inspector
 * must say so rather than hide them.
 */

export type FieldKind =
  | 'string'
  | 'text'
  | 'number'
  | 'integer'
  | 'boolean'
  | 'enum'
  | 'list'
  | 'map'
  | 'prompt'
  | 'condition'
  | 'steps'
  | 'any'

export interface FieldSpec {
  readonly key: string
  readonly label: string
  readonly kind: FieldKind
  /** One or two sentences a pipeline author understands, true to the code. */
  readonly doc: string
  readonly enum?: readonly string[]
  /** The RUNTIME default pipeline_ex applies. */
  readonly default?: unknown
  /** Who requires it; omitted when optional. */
  readonly required?: 'loader' | 'runtime'
  /** Set when pipeline_ex reads the key but nothing acts on it, or only the docs mention it. */
  readonly effect?: 'ignored'
  /** For kind 'map' with known keys. */
  readonly fields?: readonly FieldSpec[]
  /** For kind 'list'. */
  readonly item?: FieldSpec
}

export type StepAcceptance = 'accepted' | 'test-only' | 'rejected'

export interface StepTypeSpec {
  readonly type: string
  readonly label: string
  readonly description: string
  readonly category: 'llm' | 'control' | 'data' | 'test'
  readonly acceptance: StepAcceptance
  readonly acceptanceNote?: string
  /** Container slots holding nested steps or tasks. */
  readonly children?: readonly ('steps' | 'pipeline' | 'parallel_tasks' | 'tasks' | 'cases')[]
  /** Type-specific fields and the common step fields. */
  readonly fields: readonly FieldSpec[]
}

export interface PromptPartSpec {
  readonly type: string
  readonly label: string
  readonly doc: string
  /** Fields other than `type`. */
  readonly fields: readonly FieldSpec[]
  /** True when the part always renders as the empty string at run time. */
  readonly rendersEmpty?: boolean
}

// --- Building blocks ---------------------------------------------------------------------------

type FieldOptions = Omit<FieldSpec, 'key' | 'kind' | 'doc' | 'label'> & { readonly label?: string }

const labelOf = (key: string): string => {
  const words = key.replace(/_/g, ' ')
  return words.charAt(0).toUpperCase() + words.slice(1)
}

function field(key: string, kind: FieldKind, doc: string, options: FieldOptions = {}): FieldSpec {
  return { key, label: options.label ?? labelOf(key), kind, doc, ...options }
}

/** A documented or corpus-seen key that pipeline_ex never acts on. */
function ignored(key: string, kind: FieldKind, doc: string, options: FieldOptions = {}): FieldSpec {
  return field(key, kind, doc, { ...options, effect: 'ignored' })
}

const stringList = (doc: string): FieldSpec => field('item', 'string', doc, { label: 'Item' })

/** The loader's list (§6.1), which is also the order of its "Supported types" message. */
export const acceptedStepTypes: readonly string[] = [
  'set_variable',
  'claude',
  'gemini',
  'parallel_claude',
  'gemini_instructor',
  'claude_smart',
  'claude_session',
  'claude_extract',
  'claude_batch',
  'claude_robust',
  'for_loop',
  'while_loop',
  'data_transform',
  'file_ops',
  'pipeline',
]

/** §7 "Prompt requirement at load": the loader requires a list `prompt` and checks each part. */
export const promptRequiredTypes: readonly string[] = [
  'claude',
  'gemini',
  'gemini_instructor',
  'claude_smart',
  'claude_session',
  'claude_extract',
  'claude_robust',
]

/** §14.5: the step types a loop body can run; anything else fails the iteration. */
export const loopBodyTypes: readonly string[] = [
  'claude',
  'gemini',
  'parallel_claude',
  'gemini_instructor',
  'claude_smart',
  'claude_session',
  'claude_extract',
  'claude_batch',
  'claude_robust',
  'set_variable',
  'for_loop',
  'while_loop',
]

const presets = ['development', 'production', 'analysis', 'chat', 'test'] as const

// --- Prompt parts (§11) ------------------------------------------------------------------------

export const promptPartCatalogue: readonly PromptPartSpec[] = [
  {
    type: 'static',
    label: 'Text',
    doc: 'Fixed text, included as written. `{{…}}` templates in it are filled in before the step runs.',
    fields: [
      field(
        'content',
        'text',
        'The text to include. Numbers are turned into text; `{{steps.x.field}}` templates are filled in first.',
        { required: 'loader' },
      ),
    ],
  },
  {
    type: 'file',
    label: 'File contents',
    doc: "Inserts a file's contents. The path is relative to the directory pipeline_ex runs in, not to the pipeline file or workspace_dir.",
    fields: [
      field(
        'path',
        'string',
        'The file to read, relative to the directory pipeline_ex runs in. A missing file or a directory path makes the step crash.',
        { required: 'loader' },
      ),
      ignored(
        'variables',
        'map',
        'Documented for `{VAR}` substitution; pipeline_ex substitutes nothing.',
      ),
      ignored('inject_as', 'string', 'Documented only; pipeline_ex ignores it.'),
      ignored('encoding', 'string', 'Documented only; pipeline_ex ignores it.'),
      ignored('summary', 'boolean', 'Documented only; pipeline_ex ignores it.'),
      ignored('max_summary_length', 'integer', 'Documented only; pipeline_ex ignores it.'),
      ignored('summary_focus', 'string', 'Documented only; pipeline_ex ignores it.'),
      ignored('transform', 'any', 'Documented only; pipeline_ex ignores it.'),
      ignored('component', 'string', 'Documented only; pipeline_ex ignores it.'),
    ],
  },
  {
    type: 'previous_response',
    label: 'Previous step result',
    doc: "Inserts an earlier step's result: text as-is, maps and lists as pretty JSON. Use `step: loop` inside a loop to read the current item.",
    fields: [
      field(
        'step',
        'string',
        'Name of the step whose result to insert. At the top level it must name a top-level step (the loader checks), and that step must run earlier or the step fails.',
        { required: 'loader' },
      ),
      field(
        'extract',
        'string',
        'A dot path into the result, such as `analysis.summary`. No `[0]` indexing or wildcards: `items[0]` is looked up as a literal key.',
      ),
      field(
        'strict',
        'boolean',
        'When true, a missing `extract` path fails the step; when false it inserts the text "nil".',
        { default: true },
      ),
      ignored(
        'extract_with',
        'string',
        "Only pipeline_ex's unused strict validator checks it (must be `content_extractor`); nothing acts on it.",
      ),
      ignored('summary', 'boolean', 'Documented only; pipeline_ex ignores it.'),
      ignored('max_length', 'integer', 'Documented only; pipeline_ex ignores it.'),
      ignored('format', 'string', 'Documented only; pipeline_ex ignores it.'),
      ignored('post_processing', 'list', 'Documented only; pipeline_ex ignores it.', {
        item: stringList('A post-processor name.'),
      }),
      ignored('include_metadata', 'boolean', 'Documented only; pipeline_ex ignores it.'),
      ignored('summary_style', 'string', 'Documented only; pipeline_ex ignores it.'),
      ignored('transform', 'any', 'Documented only; pipeline_ex ignores it.'),
      ignored('inject_as', 'string', 'Documented only; pipeline_ex ignores it.'),
      ignored(
        'condition',
        'condition',
        'Per-part conditions are never evaluated; the part is always included.',
      ),
      ignored(
        'prefix',
        'string',
        'Seen in real pipelines, but pipeline_ex ignores it: no prefix is added.',
      ),
    ],
  },
  {
    type: 'session_context',
    label: 'Session context',
    doc: "Meant to include a session's history, but pipeline_ex renders it as empty text: nothing implements it.",
    rendersEmpty: true,
    fields: [
      field(
        'session_id',
        'string',
        'The session to draw history from. Required by the loader even though the part renders as empty text.',
        { required: 'loader' },
      ),
      field(
        'include_last_n',
        'integer',
        'How many past messages to include. Has no effect: the part renders as empty text.',
        { effect: 'ignored' },
      ),
      ignored('filter', 'any', 'Documented only; pipeline_ex ignores it.'),
    ],
  },
  {
    type: 'claude_continue',
    label: 'Continue Claude session',
    doc: 'Meant to continue a Claude conversation, but pipeline_ex renders it as empty text and never sends `new_prompt`.',
    rendersEmpty: true,
    fields: [
      field(
        'session_id',
        'string',
        "The session to continue. Required by the loader (the docs' examples omit it and fail to load), though the part renders as empty text.",
        { required: 'loader' },
      ),
      field(
        'new_prompt',
        'text',
        'The follow-up message. Never sent: the part renders as empty text.',
        {
          effect: 'ignored',
        },
      ),
    ],
  },
]

// --- claude_options (§8.1) -----------------------------------------------------------------------

const ALL = 'Honoured by every Claude step type.'
const ENHANCED =
  'Honoured only by claude_smart, claude_session, claude_extract, claude_batch and claude_robust; plain claude steps and parallel_claude tasks ignore it.'
const NOBODY = 'Nothing in pipeline_ex acts on it.'
const DEAD_STREAM =
  'Async streaming was removed from pipeline_ex, so this has no effect at run time.'

export const claudeOptionFields: readonly FieldSpec[] = [
  field(
    'model',
    'string',
    `Claude model: \`sonnet\`, \`opus\`, \`haiku\` or a full model id. ${ALL}`,
  ),
  field('fallback_model', 'string', `Model to use when the main one is unavailable. ${ALL}`),
  field(
    'max_turns',
    'integer',
    `Maximum conversation turns. ${ALL} Defaults to 3 on plain claude steps and 15 on the enhanced types, unless a preset sets it.`,
  ),
  field(
    'output_format',
    'enum',
    `Response format. ${ALL} The enhanced types default to \`stream_json\` and treat unknown values as \`stream_json\`.`,
    { enum: ['text', 'json', 'stream_json', 'stream-json'] },
  ),
  field('verbose', 'boolean', `Verbose Claude output. ${ALL} The enhanced types default to true.`),
  field(
    'allowed_tools',
    'list',
    `Tools Claude may use, e.g. Read, Write, Edit, Bash. ${ALL} Plain claude steps default to none; on claude_smart every preset except development overrides this list.`,
    { item: stringList('A tool name.') },
  ),
  field('disallowed_tools', 'list', `Tools Claude must not use. ${ALL}`, {
    item: stringList('A tool name.'),
  }),
  field('system_prompt', 'text', `Replaces the system prompt. ${ALL}`),
  field(
    'append_system_prompt',
    'text',
    `Text appended to the system prompt. ${ALL} Presets supply one when you give none.`,
  ),
  field(
    'cwd',
    'string',
    `Claude's working directory, relative to where pipeline_ex runs. ${ALL} It is not taken from workflow.workspace_dir.`,
    { label: 'Working directory', default: './workspace' },
  ),
  field('permission_mode', 'enum', `How Claude asks for permission. ${ENHANCED}`, {
    enum: ['default', 'accept_edits', 'bypass_permissions', 'plan'],
  }),
  field('permission_prompt_tool', 'string', `Tool used for permission prompts. ${ENHANCED}`),
  field(
    'mcp_servers',
    'map',
    `MCP servers by name, each \`{type: stdio|sse|http, command, args, env, headers, url}\` (type defaults to stdio). ${ENHANCED}`,
    { label: 'MCP servers' },
  ),
  field(
    'hooks',
    'map',
    `Hooks by event (e.g. PreToolUse), each a list of \`{matcher, hooks: [names]}\`. Known hook names: log_tool_use, validate_bash, audit_tool; others do nothing. ${ENHANCED}`,
  ),
  field(
    'agents',
    'map',
    `Sub-agents by name, each \`{description, prompt, tools, model}\`; agents without a description or prompt are silently dropped. ${ENHANCED}`,
  ),
  field('agent', 'string', `The agent to run as. ${ENHANCED}`),
  field('enable_skills', 'boolean', `Enables skills (adds the Skill tool). ${ENHANCED}`),
  field('session_id', 'string', `Claude session to use. ${ENHANCED}`, { label: 'Session id' }),
  field('fork_session', 'boolean', `Fork the session instead of continuing it. ${ENHANCED}`),
  field(
    'add_dir',
    'list',
    `Extra directories Claude may access (a single string also works). ${ENHANCED}`,
    {
      label: 'Additional directories',
      item: stringList('A directory path.'),
    },
  ),
  field('strict_mcp_config', 'boolean', `Use only the MCP servers given here. ${ENHANCED}`, {
    label: 'Strict MCP config',
  }),
  field(
    'retry_config',
    'map',
    `Provider-level retries: retries when max_retries > 0 and the error contains a \`retry_on\` string. ${ENHANCED} Not the same as claude_robust's step-level retry_config.`,
    {
      fields: [
        field('max_retries', 'integer', 'How many times to retry; 0 disables retries.'),
        field('backoff_strategy', 'enum', 'How the delay between retries grows.', {
          enum: ['linear', 'exponential'],
        }),
        field('retry_on', 'list', 'Retry when the error text contains one of these strings.', {
          item: stringList('A substring of the error text.'),
        }),
        ignored(
          'retry_conditions',
          'list',
          "Only pipeline_ex's unused strict validator checks it; the provider reads `retry_on`.",
          { item: stringList('A condition name.') },
        ),
        ignored(
          'fallback_action',
          'string',
          "Only pipeline_ex's unused strict validator checks it.",
        ),
      ],
    },
  ),
  field('timeout_ms', 'integer', `Request timeout in milliseconds. ${ENHANCED}`, {
    label: 'Timeout (ms)',
    default: 300000,
  }),
  field('debug_mode', 'boolean', `Adds debug_info to the result. ${ENHANCED}`),
  field('telemetry_enabled', 'boolean', `Adds telemetry to the result. ${ENHANCED}`),
  field('cost_tracking', 'boolean', `Adds cost_tracking to the result. ${ENHANCED}`),
  ignored('resume_session', 'boolean', `Documented for resuming sessions. ${NOBODY}`),
  ignored('mcp_config', 'string', `Path to an MCP config file. ${NOBODY}`, { label: 'MCP config' }),
  field(
    'async_streaming',
    'boolean',
    `The loader checks that it is a boolean on claude steps. ${DEAD_STREAM}`,
    { effect: 'ignored' },
  ),
  field(
    'stream_handler',
    'enum',
    `Streaming handler; on claude steps with async_streaming: true the loader rejects other values. ${DEAD_STREAM}`,
    { enum: ['console', 'simple', 'debug', 'file', 'callback', 'buffer'], effect: 'ignored' },
  ),
  field(
    'stream_buffer_size',
    'integer',
    `Streaming buffer size; on claude steps with async_streaming: true the loader requires a positive integer. ${DEAD_STREAM}`,
    { effect: 'ignored' },
  ),
  ignored('stream_handler_opts', 'map', DEAD_STREAM),
  ignored('stream_file_path', 'string', DEAD_STREAM),
  ignored('stream_file_format', 'string', DEAD_STREAM),
  ignored('stream_file_rotation', 'map', DEAD_STREAM),
  ignored('stream_console_config', 'map', DEAD_STREAM),
  ignored('stream_buffer_config', 'map', DEAD_STREAM),
  ignored('stream_callback_config', 'map', DEAD_STREAM),
  ignored(
    'pass_through_streaming',
    'boolean',
    `pipeline_ex adds it to every top-level claude step itself. ${NOBODY}`,
  ),
  ignored('print', 'boolean', `Seen in real pipelines. ${NOBODY}`),
  ignored(
    'temperature',
    'number',
    `Seen in real pipelines; Claude steps have no temperature setting. ${NOBODY}`,
  ),
  ignored('timeout_seconds', 'integer', `Seen in real pipelines; use timeout_ms. ${NOBODY}`),
]

// --- Common step fields (§5) -------------------------------------------------------------------

const conditionDoc =
  'Skip the step unless this holds. Refer to results as `step.field` (not `steps.step.field`), or use an and/or/not map; templates are filled in first. Ignored on steps inside loops.'

function commonFields(conditionOverride?: FieldSpec): FieldSpec[] {
  return [
    field(
      'name',
      'string',
      'Names the step; later steps read its result under this name. Names are not checked for uniqueness: a later step with the same name overwrites the result.',
      { required: 'loader' },
    ),
    field('type', 'enum', 'What the step does. Case-sensitive.', {
      enum: acceptedStepTypes,
      required: 'loader',
    }),
    conditionOverride ?? field('condition', 'condition', conditionDoc),
    field(
      'output_to_file',
      'string',
      'Also writes the result (text as-is, anything else as JSON) to this path under the output directory (defaults.output_dir, else ./outputs). Ignored on steps inside loops.',
    ),
    field(
      'streaming',
      'map',
      'With `enabled: true` the result is stored as a stream reference instead of the value. Results over 10 MB are streamed regardless.',
      {
        fields: [
          field('enabled', 'boolean', 'Store the result as a stream reference.', {
            default: false,
          }),
        ],
      },
    ),
    ignored('description', 'text', 'Notes for readers; pipeline_ex does not read it.'),
    ignored(
      'role',
      'string',
      'Documentation only (`brain` or `muscle` in the docs); pipeline_ex does not read it.',
    ),
    ignored(
      'output_schema',
      'map',
      'A JSON-Schema-like description of the result. pipeline_ex never validates results against it.',
    ),
  ]
}

// --- Shared type-specific fields ---------------------------------------------------------------

const promptField = (required: boolean, extra = ''): FieldSpec =>
  field(
    'prompt',
    'prompt',
    `The prompt, a list of parts joined with newlines.${extra}`,
    required ? { required: 'loader' } : {},
  )

const claudeOptionsField = (doc: string): FieldSpec =>
  field('claude_options', 'map', doc, { label: 'Claude options', fields: claudeOptionFields })

const enhancedOptionsDoc =
  "Claude settings, deep-merged over the preset's. Every key of the options table is honoured here."

const presetField = (doc: string, defaultPreset?: string): FieldSpec =>
  field('preset', 'enum', doc, {
    enum: presets,
    ...(defaultPreset === undefined ? {} : { default: defaultPreset }),
  })

const presetDoc = (fallback: string): string =>
  `Named Claude settings. Falls back to defaults.claude_preset, then ${fallback}. An unknown name silently uses the development settings.`

const tokenBudgetFields: readonly FieldSpec[] = [
  field(
    'max_output_tokens',
    'integer',
    'Maximum tokens in the answer. Documented ranges are not enforced.',
  ),
  field('temperature', 'number', 'Sampling temperature. Documented ranges are not enforced.'),
  field('top_p', 'number', 'Nucleus sampling probability.', { label: 'Top p' }),
  field('top_k', 'integer', 'Top-k sampling.', { label: 'Top k' }),
]

const functionsField = (doc: string): FieldSpec =>
  field('functions', 'list', doc, {
    item: stringList('A function name declared in workflow.gemini_functions.'),
  })

// --- Step types (§§6-7, 14, 15) ----------------------------------------------------------------

const rejectedNote = 'Documented by pipeline_ex but not accepted by its loader'

export const stepCatalogue: readonly StepTypeSpec[] = [
  {
    type: 'set_variable',
    label: 'Set variables',
    description:
      'Sets variables that later steps read as `{{name}}` or `{{state.name}}`. Not visible to conditions without a template.',
    category: 'data',
    acceptance: 'accepted',
    fields: [
      ...commonFields(),
      field(
        'variables',
        'map',
        'Variable name → value. String values have their templates resolved; at the top level the result is text, so `{{state.n + 1}}` stores "1", not 1.',
      ),
      field(
        'scope',
        'enum',
        'Where the variables live. Any other value, including the documented `local`, silently means global. Variables set inside a loop body are discarded after each iteration.',
        { enum: ['global', 'session', 'loop'], default: 'global' },
      ),
      ignored(
        'variable',
        'string',
        'Seen in real pipelines, but only `variables` (a map) is read: the step does nothing.',
      ),
      ignored(
        'value',
        'any',
        'Seen in real pipelines, but only `variables` (a map) is read: the step does nothing.',
      ),
    ],
  },
  {
    type: 'claude',
    label: 'Claude',
    description:
      'Runs Claude with a prompt. The plain provider honours only a few claude_options (model, max_turns, tools, prompts, cwd, output_format, verbose).',
    category: 'llm',
    acceptance: 'accepted',
    fields: [
      ...commonFields(),
      promptField(true),
      claudeOptionsField(
        'Claude settings. Plain claude steps honour only model, fallback_model, max_turns, output_format, verbose, allowed_tools, disallowed_tools, system_prompt, append_system_prompt and cwd; the rest is ignored.',
      ),
    ],
  },
  {
    type: 'gemini',
    label: 'Gemini',
    description: 'Asks Gemini with a prompt, optionally offering declared functions.',
    category: 'llm',
    acceptance: 'accepted',
    fields: [
      ...commonFields(),
      promptField(true),
      field(
        'model',
        'string',
        'Gemini model. defaults.gemini_model is not applied, so without this the step uses its own default.',
        { default: 'gemini-2.5-flash-lite-preview-06-17' },
      ),
      field(
        'token_budget',
        'map',
        'Generation limits; only these four keys are read, and numeric strings are accepted.',
        { fields: tokenBudgetFields },
      ),
      functionsField(
        'Names of functions declared in workflow.gemini_functions (the loader checks they exist). Only the names are sent, and the live provider does not forward them.',
      ),
      field(
        'tools',
        'list',
        'Tools to offer when `functions` is empty. The live Gemini provider ignores them.',
        { item: field('item', 'any', 'A tool definition.', { label: 'Item' }) },
      ),
      field(
        'timeout_ms',
        'integer',
        'Request timeout in milliseconds (600000 in the dev environment).',
        {
          label: 'Timeout (ms)',
          default: 300000,
        },
      ),
    ],
  },
  {
    type: 'parallel_claude',
    label: 'Parallel Claude',
    description:
      'Runs several Claude tasks at once, all started together with no limit. Its result cannot be turned into JSON: use `extract: combined_results` to read it and avoid output_to_file.',
    category: 'llm',
    acceptance: 'accepted',
    children: ['parallel_tasks'],
    fields: [
      ...commonFields(),
      field(
        'parallel_tasks',
        'list',
        'The tasks, each a plain claude call. Required by the loader; task prompts are not checked until they run.',
        {
          required: 'loader',
          item: field('task', 'map', 'One Claude task.', {
            label: 'Task',
            fields: [
              field('id', 'string', 'The task name; results are keyed by it.', {
                label: 'Id',
                required: 'runtime',
              }),
              field(
                'prompt',
                'prompt',
                'The task prompt. It can read earlier steps with previous_response.',
              ),
              claudeOptionsField(
                'Claude settings for this task, as for a plain claude step. workflow.defaults are not merged in.',
              ),
              ignored('output_to_file', 'string', 'Ignored: tasks never write files.'),
              ignored('type', 'string', 'Documented only: every task is a Claude call.'),
              ignored('pipeline_file', 'string', 'Documented only: every task is a Claude call.'),
              ignored(
                'condition',
                'condition',
                'Documented only: task conditions are never evaluated.',
              ),
            ],
          }),
        },
      ),
      field('prompt', 'prompt', 'Not used at run time: only the task prompts are sent.', {
        effect: 'ignored',
      }),
    ],
  },
  {
    type: 'gemini_instructor',
    label: 'Gemini structured output',
    description:
      'Asks Gemini through InstructorLite for a fixed structured answer (text, analysis, summary). It has no mock mode: it always needs GEMINI_API_KEY and crashes the pipeline on failure.',
    category: 'llm',
    acceptance: 'accepted',
    fields: [
      ...commonFields(),
      promptField(true),
      field('model', 'string', 'Gemini model.', { default: 'gemini-2.5-flash' }),
      field('timeout_ms', 'integer', 'Request timeout in milliseconds.', {
        label: 'Timeout (ms)',
        default: 120000,
      }),
      functionsField(
        'Tool names. The loader checks them against workflow.gemini_functions, but at run time they must be tools registered in pipeline_ex itself.',
      ),
      ignored('schema', 'map', 'Ignored: the output schema is fixed (text, analysis, summary).'),
      ignored('validation_mode', 'string', 'Documented only; pipeline_ex ignores it.'),
      ignored(
        'token_budget',
        'map',
        'Ignored: the step always uses temperature 0.7 and 2048 tokens.',
        {
          fields: tokenBudgetFields,
        },
      ),
    ],
  },
  {
    type: 'claude_smart',
    label: 'Claude (preset)',
    description:
      'Runs Claude with a named preset of settings. Every preset except development replaces your allowed_tools with its own.',
    category: 'llm',
    acceptance: 'accepted',
    fields: [
      ...commonFields(),
      promptField(true),
      presetField(
        'Named Claude settings. Falls back to defaults.claude_preset, then environment detection when environment_aware is on, then development. An unknown name silently uses the development settings.',
        'development',
      ),
      field(
        'environment_aware',
        'boolean',
        'With no preset here or in defaults, picks the preset from workflow.environment.mode (development, production or test).',
      ),
      claudeOptionsField(enhancedOptionsDoc),
      ignored(
        'options',
        'map',
        'Seen in real pipelines; pipeline_ex ignores it. Use claude_options.',
      ),
    ],
  },
  {
    type: 'claude_session',
    label: 'Claude session',
    description: 'Runs Claude in a named session that is checkpointed as it goes.',
    category: 'llm',
    acceptance: 'accepted',
    fields: [
      ...commonFields(),
      promptField(true),
      field('session_config', 'map', 'Session settings. Optional for the loader.', {
        label: 'Session config',
        fields: [
          field('session_name', 'string', 'Session name; defaults to the step name.'),
          field(
            'persist',
            'boolean',
            'Keep the session. Defaults to false at run time, whatever the docs say.',
            {
              default: false,
            },
          ),
          field('continue_on_restart', 'boolean', 'Resume the session after a restart.', {
            default: false,
          }),
          field(
            'checkpoint_frequency',
            'integer',
            'Checkpoint setting; when above 0 a checkpoint is written after every call.',
            { default: 5 },
          ),
          field('description', 'text', 'Session description.', { default: 'Automated session' }),
          ignored('max_turns', 'integer', 'Ignored here; use claude_options.max_turns.'),
          ignored('continue_session', 'boolean', 'Documented only; pipeline_ex ignores it.'),
          ignored('session_id', 'string', 'Ignored: the session manager assigns the id.', {
            label: 'Session id',
          }),
          ignored('checkpoint_interval', 'integer', 'Ignored; use checkpoint_frequency.'),
          ignored(
            'max_session_turns',
            'integer',
            'Seen in real pipelines; pipeline_ex ignores it.',
          ),
          ignored('checkpoint_dir', 'string', 'Ignored here.'),
        ],
      }),
      presetField(presetDoc('analysis'), 'analysis'),
      claudeOptionsField(
        "Claude settings, deep-merged over the preset's (which does not override your allowed_tools here).",
      ),
    ],
  },
  {
    type: 'claude_extract',
    label: 'Claude extract',
    description:
      "Runs Claude and post-processes the answer's text: reformats it and appends extracted sections.",
    category: 'llm',
    acceptance: 'accepted',
    fields: [
      ...commonFields(),
      promptField(true),
      presetField(presetDoc('analysis'), 'analysis'),
      claudeOptionsField(enhancedOptionsDoc),
      field('extraction_config', 'map', 'How to process the answer.', {
        label: 'Extraction config',
        fields: [
          field(
            'use_content_extractor',
            'boolean',
            'In mock mode simulates formatting; in live mode returns the text unchanged.',
            { default: false },
          ),
          field(
            'format',
            'enum',
            '`json` wraps non-JSON text, `summary` truncates to max_summary_length, `structured`/`markdown` add a heading. Unknown values pass the text through.',
            { enum: ['text', 'json', 'structured', 'summary', 'markdown'], default: 'text' },
          ),
          field(
            'post_processing',
            'list',
            'Processors applied in order, each appending a section. Unknown names (such as the documented extract_entities) are skipped with a warning.',
            {
              item: field('item', 'enum', 'A post-processor.', {
                label: 'Item',
                enum: [
                  'extract_code_blocks',
                  'extract_recommendations',
                  'extract_links',
                  'extract_key_points',
                  'format_markdown',
                  'generate_summary',
                ],
              }),
            },
          ),
          field(
            'max_summary_length',
            'integer',
            'Maximum length for `format: summary`; used by nothing else.',
            {
              default: 500,
            },
          ),
          field('include_metadata', 'boolean', 'Adds extraction_metadata to the result.'),
          ignored('code_block_processing', 'any', 'Documented only; pipeline_ex ignores it.'),
          ignored('recommendation_format', 'any', 'Documented only; pipeline_ex ignores it.'),
          ignored('sections', 'any', 'Documented only; pipeline_ex ignores it.'),
          ignored('summary_style', 'string', 'Documented only; pipeline_ex ignores it.'),
          ignored('output_format', 'string', 'Documented only; pipeline_ex ignores it.'),
        ],
      }),
      ignored('schema', 'map', 'Seen in real pipelines; pipeline_ex ignores it.'),
    ],
  },
  {
    type: 'claude_batch',
    label: 'Claude batch',
    description:
      'Runs a list of Claude tasks with limited concurrency. Tasks cannot read earlier steps: a previous_response part in them always errors.',
    category: 'llm',
    acceptance: 'accepted',
    children: ['tasks'],
    fields: [
      ...commonFields(),
      promptField(
        false,
        ' Used as the single task when there are no tasks, or after the details of a task with neither prompt nor file. The loader requires prompt or tasks.',
      ),
      field(
        'tasks',
        'list',
        'The tasks. The loader requires prompt or tasks but does not check the tasks themselves.',
        {
          item: field('task', 'map', 'One Claude task.', {
            label: 'Task',
            fields: [
              field('task_id', 'string', 'Task name in the results; defaults to task_<index>.', {
                label: 'Task id',
              }),
              field(
                'prompt',
                'prompt',
                'The task prompt: a list of parts or a plain string. When present, `file` is ignored.',
              ),
              field(
                'file',
                'string',
                'A file to analyse when there is no prompt: its contents plus "Analyze this file".',
              ),
              ignored('id', 'string', 'Ignored: the documented `id` is not read; use task_id.', {
                label: 'Id',
              }),
              ignored('output_to_file', 'string', 'Ignored for batch tasks.'),
              ignored(
                'claude_options',
                'map',
                "Ignored per task; the step's claude_options apply to all tasks.",
                {
                  label: 'Claude options',
                },
              ),
            ],
          }),
        },
      ),
      field('batch_config', 'map', 'Concurrency and timeouts.', {
        label: 'Batch config',
        fields: [
          field('max_parallel', 'integer', 'How many tasks run at once.', { default: 3 }),
          field(
            'timeout_per_task',
            'integer',
            'Time limit per task in MILLISECONDS (the docs\' "300" means 0.3 seconds).',
            { label: 'Timeout per task (ms)', default: 60000 },
          ),
          field(
            'consolidate_results',
            'boolean',
            'Adds a combined Markdown `text` and claude_batch_metadata.',
            {
              default: true,
            },
          ),
        ],
      }),
      presetField(presetDoc('development'), 'development'),
      claudeOptionsField(`${enhancedOptionsDoc} Shared by all tasks.`),
    ],
  },
  {
    type: 'claude_robust',
    label: 'Claude with retries',
    description:
      'Runs Claude with retries and a fallback. With the default fallback the step succeeds with a canned answer even when every attempt fails.',
    category: 'llm',
    acceptance: 'accepted',
    fields: [
      ...commonFields(),
      promptField(true),
      presetField(presetDoc('production'), 'production'),
      field('retry_config', 'map', 'Retry policy, at step level (not inside claude_options).', {
        label: 'Retry config',
        fields: [
          field(
            'max_retries',
            'integer',
            'Retries after the first attempt; 0 is allowed, negative values fail the step.',
            {
              default: 3,
            },
          ),
          field('base_delay_ms', 'integer', 'Delay before the first retry, in milliseconds.', {
            label: 'Base delay (ms)',
            default: 1000,
          }),
          field(
            'backoff_strategy',
            'enum',
            'How the delay grows; any other value fails the step.',
            {
              enum: ['linear', 'exponential', 'fixed'],
              default: 'exponential',
            },
          ),
          field(
            'retry_conditions',
            'list',
            'Retry when the error text contains one of these (case-insensitive).',
            {
              item: stringList('A substring of the error text.'),
              default: ['timeout', 'rate_limit', 'temporary_error'],
            },
          ),
          field(
            'fallback_action',
            'enum',
            'What to do when all retries fail. Any other value (including the documented `fail`) degrades gracefully: the step still succeeds.',
            {
              enum: [
                'graceful_degradation',
                'use_cached_response',
                'simplified_prompt',
                'emergency_response',
              ],
              default: 'graceful_degradation',
            },
          ),
        ],
      }),
      claudeOptionsField(enhancedOptionsDoc),
    ],
  },
  {
    type: 'for_loop',
    label: 'For each',
    description:
      'Runs its steps once per item of a list. `{{loop.…}}` templates in the body are blanked before the loop starts: read the item with a previous_response part, `step: loop`.',
    category: 'control',
    acceptance: 'accepted',
    children: ['steps'],
    fields: [
      ...commonFields(),
      field(
        'iterator',
        'string',
        'Name of the current item, read in the body as `loop.<iterator>`.',
        {
          required: 'runtime',
        },
      ),
      field(
        'data_source',
        'string',
        'The list: `step:dot.path`, or a variable or step name. Not a template and not `steps.x.y`; `previous_response` means a step literally named so.',
        { required: 'runtime' },
      ),
      field(
        'steps',
        'steps',
        'The loop body. Not checked at load; data_transform, file_ops and pipeline steps fail inside it, and child conditions and output_to_file are ignored.',
        { required: 'runtime' },
      ),
      field(
        'parallel',
        'boolean',
        'Run iterations in parallel chunks; applies only to lists of more than 10 items.',
        {
          default: false,
        },
      ),
      field(
        'max_parallel',
        'integer',
        'Items per parallel chunk (capped at 10); the chunks run concurrently, items within one run in turn.',
        { default: 5 },
      ),
      field(
        'break_on_error',
        'boolean',
        'Stop at the first failed iteration. Either way the loop step itself succeeds, with success: false in its result.',
        { default: true },
      ),
      field(
        'break_condition',
        'condition',
        'Checked after each successful iteration (not in parallel mode); true stops the loop. Can read `loop.index`.',
      ),
      field(
        'continue_condition',
        'condition',
        'Checked after each iteration, but only logged: it has no effect.',
        {
          effect: 'ignored',
        },
      ),
      field(
        'batch_size',
        'integer',
        'Batch size for lists over 500 items (default 25, 50 or 100 by size).',
      ),
      ignored('max_iterations', 'integer', 'Documented, but for_loop does not read it.'),
      ignored('timeout_seconds', 'integer', 'Documented only; pipeline_ex ignores it.'),
      ignored('ordered_results', 'boolean', 'Documented only; pipeline_ex ignores it.'),
      ignored('memory_limit', 'any', 'Documented only; pipeline_ex ignores it.'),
      ignored('over', 'string', 'Documented only; use data_source.'),
      ignored('as', 'string', 'Documented only; use iterator.'),
    ],
  },
  {
    type: 'while_loop',
    label: 'While',
    description:
      'Repeats its steps while a condition holds. Templates in the condition are frozen before the loop starts, so conditions should read step results directly.',
    category: 'control',
    acceptance: 'accepted',
    children: ['steps'],
    fields: [
      ...commonFields(
        field(
          'condition',
          'condition',
          'Checked before the loop and before every iteration; must be a string at loop time. Write `check.score < 8`, not `{{…}}` templates, which are frozen before the loop starts.',
          { required: 'runtime' },
        ),
      ),
      field(
        'max_iterations',
        'integer',
        'Iteration cap (at most 1000). Reaching it ends the loop with success: false in its result, but the step still succeeds.',
        { default: 100 },
      ),
      field(
        'steps',
        'steps',
        'The loop body. Not checked at load; any failing child fails the whole pipeline.',
        { required: 'runtime' },
      ),
      ignored('timeout_seconds', 'integer', 'Documented only; pipeline_ex ignores it.'),
      ignored('break_on_error', 'boolean', 'Ignored: errors always stop a while loop.'),
    ],
  },
  {
    type: 'data_transform',
    label: 'Transform data',
    description:
      'Filters, maps, aggregates, joins, groups or sorts data from an earlier step or variable.',
    category: 'data',
    acceptance: 'accepted',
    fields: [
      ...commonFields(),
      field(
        'input_source',
        'string',
        'Where the data comes from: `previous_response:<step>[:dot.path]`, `context:<path>`, or a variable or step name. Not `{{…}}` or `steps.x.y`.',
        { required: 'runtime' },
      ),
      field('operations', 'list', 'Applied in order. With none, the data is returned unchanged.', {
        item: field('operation', 'map', 'One operation.', {
          label: 'Operation',
          fields: [
            field('operation', 'enum', 'The operation; any other value fails the step.', {
              enum: ['filter', 'map', 'aggregate', 'join', 'group_by', 'sort'],
              required: 'runtime',
            }),
            field(
              'field',
              'string',
              'Dot path of the value to work on (filter, map, aggregate, group_by, sort).',
            ),
            field(
              'condition',
              'string',
              "filter: `<field> <op> <value>` with ==, !=, >=, <=, >, < or contains, e.g. `priority == 'high'`. No and/or.",
            ),
            field(
              'mapping',
              'map',
              'map: replaces the value at `field` with mapping[value]; without `field`, merges the mapping into each item.',
            ),
            field('expression', 'enum', 'map: changes the case of the value at `field`.', {
              enum: ['uppercase', 'lowercase'],
            }),
            field(
              'function',
              'enum',
              'aggregate: what to compute; unknown functions return the values.',
              {
                enum: ['sum', 'average', 'count', 'max', 'min', 'first', 'last', 'unique'],
                default: 'sum',
              },
            ),
            field('left_field', 'string', 'join: field on the left items to match.', {
              default: 'join_key',
            }),
            field(
              'right_source',
              'string',
              'join: the other data, `previous_response:<step>`, `context:<path>` or a step name.',
            ),
            field('join_key', 'string', 'join: field on the right items to match.'),
            field('order', 'enum', 'sort: direction.', { enum: ['asc', 'desc'], default: 'asc' }),
          ],
        }),
      }),
      field('output_field', 'string', 'Key of the data in the result; defaults to the step name.'),
      field(
        'output_format',
        'enum',
        '`json` encodes the data as a JSON string, `count` gives the list length; otherwise the data is returned as-is.',
        { enum: ['json', 'string', 'count'] },
      ),
      field(
        'lazy',
        'map',
        'Lazy evaluation, automatic for lists over 1000 items. Its filter only understands `field op value` and keeps items it cannot parse.',
        { fields: [field('enabled', 'boolean', 'Force lazy evaluation.')] },
      ),
    ],
  },
  {
    type: 'file_ops',
    label: 'File operation',
    description:
      'Copies, moves, deletes, checks, lists or converts files. Relative paths are under workflow.workspace_dir (paths starting with test/ are not).',
    category: 'data',
    acceptance: 'accepted',
    fields: [
      ...commonFields(),
      field('operation', 'enum', 'What to do; any other value fails the step.', {
        enum: [
          'copy',
          'move',
          'delete',
          'validate',
          'list',
          'convert',
          'stream_copy',
          'stream_process',
        ],
        required: 'runtime',
      }),
      field(
        'source',
        'string',
        'copy, move, stream_copy, convert, stream_process: one path (a list or glob crashes). stream_process rewrites it in place.',
      ),
      field('destination', 'string', 'copy, move, stream_copy, convert: one path.'),
      field(
        'path',
        'string',
        'delete: the path to delete; list: the directory to list (not recursive).',
      ),
      field(
        'pattern',
        'string',
        'list: a regular expression matched against entry names (not a glob like **/*.py); stream_process with replace: the text to replace.',
      ),
      field(
        'files',
        'list',
        'validate: the files to check; any failure fails the step. (delete ignores it.)',
        {
          item: field('file', 'map', 'One file check.', {
            label: 'File',
            fields: [
              field('path', 'string', 'The file to check.', { required: 'runtime' }),
              field('must_exist', 'boolean', 'The path must exist.', { default: true }),
              field('must_be_file', 'boolean', 'The path must be a regular file.'),
              field('must_be_dir', 'boolean', 'The path must be a directory.'),
              field('min_size', 'integer', 'Minimum size in bytes.'),
              field('max_size', 'integer', 'Maximum size in bytes.'),
              field('must_be_readable', 'boolean', 'The file must be readable.'),
              field('must_be_writable', 'boolean', 'The file must be writable.'),
            ],
          }),
        },
      ),
      field(
        'format',
        'enum',
        'convert: the conversion (required for convert). json_to_yaml, xml_to_json and json_to_xml exist in the docs but fail as not implemented.',
        { enum: ['csv_to_json', 'json_to_csv', 'yaml_to_json'] },
      ),
      field(
        'processor',
        'enum',
        'stream_process: how to rewrite each line; unknown values change nothing.',
        {
          enum: ['identity', 'uppercase', 'lowercase', 'trim', 'replace'],
          default: 'identity',
        },
      ),
      field('replacement', 'string', 'stream_process with replace: the replacement text.'),
      ignored('recursive', 'boolean', 'Documented for list, but listing is never recursive.'),
      ignored('options', 'map', 'Documented only; pipeline_ex ignores it.'),
    ],
  },
  {
    type: 'pipeline',
    label: 'Sub-pipeline',
    description:
      'Runs another pipeline, from a file or written inline, passing inputs in and picking outputs out. Its result is wrapped as `{result: …}` when inputs are given.',
    category: 'control',
    acceptance: 'accepted',
    children: ['pipeline'],
    fields: [
      ...commonFields(),
      field(
        'pipeline_file',
        'string',
        'Path of the child pipeline, relative to the directory pipeline_ex runs in. Loaded and checked only when the step runs. Takes precedence over `pipeline`.',
      ),
      field(
        'pipeline',
        'map',
        "An inline child pipeline (its own steps, with or without a `workflow:` wrapper). Only `steps` being a list is checked; it cannot see the parent's results.",
        {
          label: 'Inline pipeline',
          fields: [
            field(
              'name',
              'string',
              'Child name, used for circular-dependency detection; optional inline.',
            ),
            field('steps', 'steps', "The child's steps.", { required: 'runtime' }),
          ],
        },
      ),
      field(
        'pipeline_ref',
        'string',
        'A registry reference. Always fails: the registry is not implemented.',
        {
          label: 'Pipeline ref',
        },
      ),
      field(
        'inputs',
        'map',
        'Values passed to the child, read there as `{{inputs.name}}`. At the top level, templated values arrive as text, and a map or list of maps crashes the parent.',
      ),
      field(
        'outputs',
        'list',
        'What to take from the child: a child step name, or `{path: step.field, as: alias}`. Omitted: all child results.',
        {
          item: field(
            'output',
            'any',
            'A child step name, or a map with `path` (dot path) and optional `as`.',
            {
              label: 'Output',
            },
          ),
        },
      ),
      field(
        'config',
        'map',
        'Safety limits and context sharing. Defaults differ by environment (dev/test/prod).',
        {
          fields: [
            field(
              'inherit_context',
              'boolean',
              "Give the child the parent's global_vars, and the parent's inputs when none are given.",
              { default: false },
            ),
            field(
              'max_depth',
              'integer',
              'Maximum nesting depth (15 in dev, 5 in test, 8 in prod).',
              { default: 10 },
            ),
            field('max_total_steps', 'integer', 'Maximum steps across nested runs.', {
              default: 1000,
            }),
            field('memory_limit_mb', 'integer', 'Memory limit checked before and after the run.', {
              label: 'Memory limit (MB)',
              default: 1024,
            }),
            field(
              'timeout_seconds',
              'integer',
              'Elapsed-time limit checked by the resource monitor; not a hard kill.',
              { default: 300 },
            ),
            field('workspace_enabled', 'boolean', 'Create a nested workspace.', { default: true }),
            field('cleanup_on_error', 'boolean', 'Clean up the nested workspace on error.', {
              default: true,
            }),
            ignored('inherit_providers', 'boolean', 'Documented only; pipeline_ex ignores it.'),
            ignored('inherit_functions', 'boolean', 'Documented only; pipeline_ex ignores it.'),
            ignored(
              'workspace_dir',
              'string',
              'Documented only; the child uses its own workflow.workspace_dir.',
            ),
            ignored('checkpoint_enabled', 'boolean', 'Documented only; pipeline_ex ignores it.'),
            ignored('continue_on_error', 'boolean', 'Documented only; pipeline_ex ignores it.'),
            ignored('max_retries', 'integer', 'Documented only; pipeline_ex ignores it.'),
            ignored('enable_tracing', 'boolean', 'Documented only; pipeline_ex ignores it.'),
            ignored('cleanup_on_success', 'boolean', 'Documented only; pipeline_ex ignores it.'),
          ],
        },
      ),
    ],
  },
  {
    type: 'test_echo',
    label: 'Test echo',
    description: "Returns a fixed value; pipeline_ex's own test fixture step.",
    category: 'test',
    acceptance: 'test-only',
    acceptanceNote:
      'Accepted only when pipeline_ex runs in its test environment (Mix.env() == :test); rejected as an invalid type otherwise, and never supported inside loops.',
    fields: [
      ...commonFields(),
      field('value', 'any', 'The result. The value "__FAIL__" fails the step.', {
        default: 'default_echo',
      }),
      field('fail', 'boolean', 'Fail the step with error_message.', { default: false }),
      field('error_message', 'string', 'Error text when failing.', {
        default: 'Test step intentionally failed',
      }),
    ],
  },
  {
    type: 'switch',
    label: 'Switch',
    description: 'Documented as branching on a value; never implemented.',
    category: 'control',
    acceptance: 'rejected',
    acceptanceNote: `${rejectedNote}: no implementation exists, so a file using it fails to load.`,
    children: ['cases'],
    fields: [
      ...commonFields(),
      field('expression', 'string', 'The value to branch on (documented only).'),
      field('cases', 'map', 'Value → steps to run (documented only).'),
      field('default', 'steps', 'Steps when no case matches (documented only).'),
    ],
  },
  {
    type: 'checkpoint',
    label: 'Checkpoint',
    description:
      'Documented as saving state; never implemented. Use workflow.checkpoint_enabled instead.',
    category: 'control',
    acceptance: 'rejected',
    acceptanceNote: `${rejectedNote}: checkpointing exists only as workflow.checkpoint_enabled.`,
    fields: [
      ...commonFields(),
      field('state', 'map', 'Values to save (documented only).'),
      field('checkpoint_name', 'string', 'Checkpoint name (documented only).'),
      field('include_workspace', 'boolean', 'Save workspace files too (documented only).'),
      field('compress', 'boolean', 'Compress the checkpoint (documented only).'),
      field('action', 'string', 'Checkpoint action (documented only).'),
    ],
  },
  {
    type: 'codebase_query',
    label: 'Codebase query',
    description:
      'Queries the codebase for files, functions and dependencies. Implemented but never wired in.',
    category: 'data',
    acceptance: 'rejected',
    acceptanceNote: `${rejectedNote}: the module exists but the loader and executor do not know the type.`,
    fields: [
      ...commonFields(),
      field(
        'queries',
        'map',
        'Query name → one of find_files, find_dependencies, find_functions, find_related or analyze_impact, each a list of one-key criteria maps.',
      ),
      field('codebase_context', 'boolean', 'Include project metadata (documented only).'),
      field('workspace_dir', 'string', 'Directory to query.'),
    ],
  },
]

// --- Workflow (§4) -----------------------------------------------------------------------------

const defaultsFields: readonly FieldSpec[] = [
  field(
    'output_dir',
    'string',
    'Base directory for every output_to_file. `mix pipeline.run` always overrides it (with PIPELINE_OUTPUT_DIR or ./outputs); Pipeline.run honours it.',
    { label: 'Output directory', default: './outputs' },
  ),
  field(
    'claude_preset',
    'enum',
    'Preset for claude_smart, claude_session, claude_extract, claude_batch and claude_robust steps that name none.',
    { enum: presets },
  ),
  ignored(
    'gemini_model',
    'string',
    'No effect: defaults are never applied to steps, so gemini steps keep their own model.',
  ),
  ignored('gemini_token_budget', 'map', 'No effect: defaults are never applied to steps.', {
    fields: tokenBudgetFields,
  }),
  ignored('claude_output_format', 'string', 'No effect: defaults are never applied to steps.'),
  ignored(
    'claude_options',
    'map',
    "No effect: defaults are never merged into steps' claude_options.",
    {
      label: 'Claude options',
      fields: claudeOptionFields,
    },
  ),
  ignored('claude_model', 'string', 'Documented only; no effect.'),
  ignored('claude_fallback_model', 'string', 'Documented only; no effect.'),
  ignored('timeout_seconds', 'integer', 'Documented only; no effect.'),
  ignored('retry_on_error', 'boolean', 'Documented only; no effect.'),
  ignored('continue_on_error', 'boolean', 'Documented only; no effect.'),
  ignored('cache_results', 'boolean', 'Documented only; no effect.'),
  ignored('cache_ttl', 'integer', 'Documented only; no effect.'),
]

export const workflowFields: readonly FieldSpec[] = [
  field(
    'name',
    'string',
    'The workflow name, used for checkpoint files and for detecting circular sub-pipelines (two files with the same name count as a cycle).',
    { required: 'loader' },
  ),
  field('steps', 'steps', 'The steps, run in order. At least one is required.', {
    required: 'loader',
  }),
  field('description', 'text', 'Shown only by `mix showcase`.'),
  ignored('version', 'string', 'Not read by pipeline_ex.'),
  field(
    'checkpoint_enabled',
    'boolean',
    'Saves progress after each step and, on the next run, SKIPS steps already done (matched by position, so inserting a step shifts them). Any value but false/null counts, even "false".',
    { default: false },
  ),
  field(
    'checkpoint_dir',
    'string',
    'Where checkpoints go (env PIPELINE_CHECKPOINT_DIR overrides the default). Created at start even when checkpointing is off.',
    { label: 'Checkpoint directory', default: './checkpoints' },
  ),
  field(
    'workspace_dir',
    'string',
    'Base for file_ops relative paths; created at start. NOT where Claude works: that is claude_options.cwd.',
    { label: 'Workspace directory', default: './workspace' },
  ),
  field(
    'defaults',
    'map',
    'Workflow defaults. Only output_dir and claude_preset have any effect; the rest is never applied to steps.',
    { fields: defaultsFields },
  ),
  field(
    'gemini_functions',
    'map',
    'Function name → `{description, parameters}` (parameters a JSON-Schema-like map, never checked). Steps name these in `functions`.',
  ),
  ignored(
    'claude_auth',
    'map',
    "Not read at run time; only pipeline_ex's unused strict validator checks it.",
    {
      label: 'Claude auth',
      fields: [
        ignored('auto_check', 'boolean', 'Not read at run time.'),
        ignored('fallback_mock', 'boolean', 'Not read at run time.'),
        ignored('diagnostics', 'boolean', 'Not read at run time.'),
        ignored('provider', 'enum', 'Not read at run time.', {
          enum: ['anthropic', 'aws_bedrock', 'google_vertex'],
        }),
      ],
    },
  ),
  field(
    'environment',
    'map',
    'Only `mode` has an effect, and only on claude_smart steps with environment_aware.',
    {
      fields: [
        field(
          'mode',
          'enum',
          'Picks the preset for claude_smart steps with environment_aware and no other preset.',
          {
            enum: ['development', 'production', 'test'],
          },
        ),
        ignored('debug_level', 'enum', 'Not read at run time.', {
          enum: ['basic', 'detailed', 'performance'],
        }),
        ignored('cost_alerts', 'map', 'Not read at run time.', {
          fields: [
            ignored('enabled', 'boolean', 'Not read at run time.'),
            ignored('threshold_usd', 'number', 'Not read at run time.', {
              label: 'Threshold (USD)',
            }),
            ignored('notify_on_exceed', 'boolean', 'Not read at run time.'),
          ],
        }),
      ],
    },
  ),
  field(
    'global_vars',
    'map',
    'Values read as `{{global_vars.name}}`; passed to sub-pipelines with inherit_context.',
    { label: 'Global variables' },
  ),
]

// --- Lookups -----------------------------------------------------------------------------------

const stepIndex = new Map(stepCatalogue.map((spec) => [spec.type, spec]))
const partIndex = new Map(promptPartCatalogue.map((spec) => [spec.type, spec]))

export function getStepType(type: string): StepTypeSpec | undefined {
  return stepIndex.get(type)
}

const keysOf = (fields: readonly FieldSpec[]): readonly string[] => fields.map((f) => f.key)
const unique = (keys: readonly string[]): readonly string[] => [...new Set(keys)]

const defaultsKeys = keysOf(defaultsFields)
const allPartKeys = unique(['type', ...promptPartCatalogue.flatMap((p) => keysOf(p.fields))])

export function knownKeys(
  context:
    | 'workflow'
    | 'defaults'
    | 'claude_options'
    | 'prompt_part'
    | `step:${string}`
    | `part:${string}`,
): readonly string[] {
  switch (context) {
    case 'workflow':
      return keysOf(workflowFields)
    case 'defaults':
      return defaultsKeys
    case 'claude_options':
      return keysOf(claudeOptionFields)
    case 'prompt_part':
      return allPartKeys
  }
  if (context.startsWith('step:')) {
    const spec = stepIndex.get(context.slice('step:'.length))
    return spec ? keysOf(spec.fields) : []
  }
  const part = partIndex.get(context.slice('part:'.length))
  return part ? ['type', ...keysOf(part.fields)] : []
}
