/**
 * Workflow-level settings (reference §4): everything under `workflow:` except `steps`, which
 * lives with the step schemas because steps and inline child workflows nest in each other.
 */
import * as v from 'valibot'
import { ClaudeOptionsSchema, PresetSchema } from './claude-options.js'
import { GeminiFunctionsSchema, TokenBudgetSchema } from './gemini.js'

/** §4.3: only `output_dir` and `claude_preset` reach a running pipeline; the rest is typed for round-trips. */
export const DefaultsSchema = v.looseObject({
  output_dir: v.optional(v.string()),
  claude_preset: v.optional(PresetSchema),
  gemini_model: v.optional(v.string()),
  gemini_token_budget: v.optional(TokenBudgetSchema),
  claude_output_format: v.optional(v.string()),
  claude_options: v.optional(ClaudeOptionsSchema),
})

export const ClaudeAuthSchema = v.looseObject({
  auto_check: v.optional(v.boolean()),
  fallback_mock: v.optional(v.boolean()),
  diagnostics: v.optional(v.boolean()),
  provider: v.optional(v.picklist(['anthropic', 'aws_bedrock', 'google_vertex'])),
})

export const CostAlertsSchema = v.looseObject({
  enabled: v.optional(v.boolean()),
  threshold_usd: v.optional(v.number()),
  notify_on_exceed: v.optional(v.boolean()),
})

export const EnvironmentSchema = v.looseObject({
  mode: v.optional(v.picklist(['development', 'production', 'test'])),
  debug_level: v.optional(v.picklist(['basic', 'detailed', 'performance'])),
  cost_alerts: v.optional(CostAlertsSchema),
})

/** The optional workflow keys, shared by top-level workflows and inline child pipelines. */
export const workflowSettingsEntries = {
  description: v.optional(v.string()),
  // "Not read" by pipeline_ex, and `version: 2` is a natural thing to write.
  version: v.optional(v.union([v.string(), v.number()])),
  checkpoint_enabled: v.optional(v.boolean()),
  checkpoint_dir: v.optional(v.string()),
  workspace_dir: v.optional(v.string()),
  defaults: v.optional(DefaultsSchema),
  gemini_functions: v.optional(GeminiFunctionsSchema),
  claude_auth: v.optional(ClaudeAuthSchema),
  environment: v.optional(EnvironmentSchema),
  global_vars: v.optional(v.record(v.string(), v.unknown())),
}

export type Defaults = v.InferOutput<typeof DefaultsSchema>
export type ClaudeAuth = v.InferOutput<typeof ClaudeAuthSchema>
export type CostAlerts = v.InferOutput<typeof CostAlertsSchema>
export type Environment = v.InferOutput<typeof EnvironmentSchema>
