/**
 * The shape of a `condition` as pipeline_ex's `Condition.Engine` accepts it (reference §13.1):
 * an expression string, an `and`/`or`/`not` map tree, or a list read as an implicit AND.
 * What the strings mean is the validation and lint modules' business, not this one's.
 */
import * as v from 'valibot'

/**
 * Spelled out by hand because the type is recursive; the `[key: string]: unknown` mirrors
 * `v.looseObject`, since unknown keys never stop pipeline_ex from loading a file.
 */
export type Condition = string | Condition[] | ConditionAnd | ConditionOr | ConditionNot
export interface ConditionAnd {
  and: Condition[]
  [key: string]: unknown
}
export interface ConditionOr {
  or: Condition[]
  [key: string]: unknown
}
export interface ConditionNot {
  not: Condition
  [key: string]: unknown
}

export const ConditionSchema: v.GenericSchema<Condition> = v.lazy(() =>
  v.union([
    v.string(),
    v.array(ConditionSchema),
    v.looseObject({ and: v.array(ConditionSchema) }),
    v.looseObject({ or: v.array(ConditionSchema) }),
    v.looseObject({ not: ConditionSchema }),
  ]),
)
