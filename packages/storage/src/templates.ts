/**
 * Team templates: pipelines their owner marked as templates (`pipelines.is_template`, migration
 * 2). On a team server every signed-in user sees every one of them; per-team scoping comes with
 * teams.
 */
import { StoreError } from './errors.js'
import type { Queryable } from './sql.js'

export interface TeamTemplate {
  /** The pipeline's id. */
  readonly pipelineId: string
  readonly name: string
  readonly description: string
  /** The pipeline's YAML as of its last compaction (or creation). */
  readonly yaml: string
  readonly ownerEmail: string
  readonly updatedAt: Date
}

export interface TemplateStore {
  /** Marks or unmarks a pipeline. StoreError 'NOT_FOUND' when it is missing or deleted. */
  setTemplate(pipelineId: string, isTemplate: boolean): Promise<void>
  /** True when the pipeline exists, is not deleted and is marked. */
  isTemplate(pipelineId: string): Promise<boolean>
  /** Every marked, not deleted pipeline, by name. */
  listTemplates(): Promise<TeamTemplate[]>
}

interface TemplateRow {
  id: string
  name: string
  description: string
  yaml: string
  email: string
  updated_at: Date
}

export class SqlTemplateStore implements TemplateStore {
  constructor(private readonly db: Queryable) {}

  async setTemplate(pipelineId: string, isTemplate: boolean): Promise<void> {
    const rows = await this.db.query(
      `update pipelines set is_template = $2 where id = $1 and deleted_at is null returning id`,
      [pipelineId, isTemplate],
    )
    if (rows.length === 0) throw new StoreError('NOT_FOUND', 'No such pipeline.')
  }

  async isTemplate(pipelineId: string): Promise<boolean> {
    const rows = await this.db.query(
      `select 1 as one from pipelines where id = $1 and deleted_at is null and is_template`,
      [pipelineId],
    )
    return rows.length > 0
  }

  async listTemplates(): Promise<TeamTemplate[]> {
    const rows = await this.db.query<TemplateRow>(
      `select p.id, p.name, p.description, p.yaml, u.email, p.updated_at
       from pipelines p join users u on u.id = p.owner_id
       where p.is_template and p.deleted_at is null
       order by lower(p.name), p.id`,
    )
    return rows.map((row) => ({
      pipelineId: row.id,
      name: row.name,
      description: row.description,
      yaml: row.yaml,
      ownerEmail: row.email,
      updatedAt: row.updated_at,
    }))
  }
}
