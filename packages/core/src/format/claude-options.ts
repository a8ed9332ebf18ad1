/**
 * `claude_options` (reference §8.1) and Claude presets (§9). Every key of the master table is
 * typed, including the ones no provider acts on, because the inspector edits them all; which
 * provider honours which key is the catalogue's concern.
 */
import * as v from 'valibot'

/** The presets `OptionBuilder` knows at run time; any other string silently means development. */
export const presetNames = ['development', 'production', 'analysis', 'chat', 'test'] as const
export const PresetSchema = v.picklist(presetNames)
export type Preset = v.InferOutput<typeof PresetSchema>

const PositiveIntegerSchema = v.pipe(v.number(), v.integer(), v.minValue(1))
const NonNegativeIntegerSchema = v.pipe(v.number(), v.integer(), v.minValue(0))

export const McpServerSchema = v.looseObject({
  type: v.optional(v.picklist(['stdio', 'sse', 'http'])),
  command: v.optional(v.string()),
  args: v.optional(v.array(v.string())),
  // YAML readily turns `PORT: 8080` into a number, and the provider stringifies it anyway.
  env: v.optional(v.record(v.string(), v.union([v.string(), v.number(), v.boolean()]))),
  headers: v.optional(v.record(v.string(), v.string())),
  url: v.optional(v.string()),
})

export const HookMatcherSchema = v.looseObject({
  matcher: v.optional(v.string()),
  hooks: v.optional(v.array(v.string())),
})

export const AgentSchema = v.looseObject({
  name: v.optional(v.string()),
  description: v.optional(v.string()),
  prompt: v.optional(v.string()),
  tools: v.optional(v.array(v.string())),
  model: v.optional(v.string()),
})

/** The enhanced provider reads `retry_on`; the strict validator checks `retry_conditions`. */
export const ClaudeRetryConfigSchema = v.looseObject({
  max_retries: v.optional(NonNegativeIntegerSchema),
  backoff_strategy: v.optional(v.picklist(['linear', 'exponential'])),
  retry_on: v.optional(v.array(v.string())),
  retry_conditions: v.optional(v.array(v.string())),
  fallback_action: v.optional(v.string()),
})

export const streamHandlers = ['console', 'simple', 'debug', 'file', 'callback', 'buffer'] as const

export const ClaudeOptionsSchema = v.looseObject({
  model: v.optional(v.string()),
  fallback_model: v.optional(v.string()),
  max_turns: v.optional(PositiveIntegerSchema),
  output_format: v.optional(v.picklist(['text', 'json', 'stream_json', 'stream-json'])),
  verbose: v.optional(v.boolean()),
  allowed_tools: v.optional(v.array(v.string())),
  disallowed_tools: v.optional(v.array(v.string())),
  system_prompt: v.optional(v.string()),
  append_system_prompt: v.optional(v.string()),
  cwd: v.optional(v.string()),
  permission_mode: v.optional(
    v.picklist(['default', 'accept_edits', 'bypass_permissions', 'plan']),
  ),
  permission_prompt_tool: v.optional(v.string()),
  mcp_servers: v.optional(v.nullable(v.record(v.string(), McpServerSchema))),
  hooks: v.optional(v.record(v.string(), v.array(HookMatcherSchema))),
  agents: v.optional(v.record(v.string(), AgentSchema)),
  agent: v.optional(v.string()),
  enable_skills: v.optional(v.boolean()),
  session_id: v.optional(v.string()),
  fork_session: v.optional(v.boolean()),
  add_dir: v.optional(v.union([v.array(v.string()), v.string()])),
  strict_mcp_config: v.optional(v.boolean()),
  retry_config: v.optional(ClaudeRetryConfigSchema),
  timeout_ms: v.optional(PositiveIntegerSchema),
  debug_mode: v.optional(v.boolean()),
  telemetry_enabled: v.optional(v.boolean()),
  cost_tracking: v.optional(v.boolean()),
  resume_session: v.optional(v.boolean()),
  mcp_config: v.optional(v.string()),
  async_streaming: v.optional(v.boolean()),
  stream_handler: v.optional(v.picklist(streamHandlers)),
  stream_buffer_size: v.optional(PositiveIntegerSchema),
  stream_handler_opts: v.optional(v.unknown()),
  stream_file_path: v.optional(v.unknown()),
  stream_file_format: v.optional(v.unknown()),
  stream_file_rotation: v.optional(v.unknown()),
  stream_console_config: v.optional(v.unknown()),
  stream_buffer_config: v.optional(v.unknown()),
  stream_callback_config: v.optional(v.unknown()),
  pass_through_streaming: v.optional(v.boolean()),
  print: v.optional(v.unknown()),
  temperature: v.optional(v.unknown()),
  timeout_seconds: v.optional(v.unknown()),
})

export type McpServer = v.InferOutput<typeof McpServerSchema>
export type HookMatcher = v.InferOutput<typeof HookMatcherSchema>
export type Agent = v.InferOutput<typeof AgentSchema>
export type ClaudeRetryConfig = v.InferOutput<typeof ClaudeRetryConfigSchema>
export type ClaudeOptions = v.InferOutput<typeof ClaudeOptionsSchema>
