/**
 * Who may see a pipeline, and as what: the ONE place the rule is read (docs/decisions/0008).
 * The rule itself is the `pipeline_grants` view (migration 5): one row per reason a user has a
 * role on a pipeline (a personal owner or direct share, membership of the owning team, membership
 * of a team it is shared with), each with a rank. The effective role is the highest rank. The
 * pipeline list, a single pipeline, the role checks of every route and socket, the access sweep
 * and search all read it through these fragments, so they cannot disagree.
 */
/** Rank → role, as a SQL array indexed by rank (1 viewer, 2 editor, 3 owner). */
const ROLE_BY_RANK = `(array['viewer','editor','owner']::text[])`

/**
 * A derived table `(pipeline_id, role)`: every pipeline the user bound at `userParam` (e.g.
 * `'$1'`) has a role on, with the effective role. Deleted pipelines are in it: join `pipelines`
 * and filter `deleted_at is null`.
 */
export function visiblePipelines(userParam: string): string {
  return `(select g.pipeline_id, ${ROLE_BY_RANK}[max(g.rank)] as role
    from pipeline_grants g where g.user_id = ${userParam}::text group by g.pipeline_id)`
}

/**
 * A scalar: the effective role of the user expression on the pipeline expression, or null.
 * Correlated, for when both are known per row (a role check, the access sweep).
 */
export function effectiveRole(pipelineExpr: string, userExpr: string): string {
  return `(select ${ROLE_BY_RANK}[max(g.rank)] from pipeline_grants g
    where g.pipeline_id = ${pipelineExpr} and g.user_id = ${userExpr})`
}

/**
 * True when the user bound at `userParam` has a role on the pipeline whose id is `idExpr`. A
 * membership test the planner runs as a hash of the user's grants or as an index probe per row,
 * whichever is cheaper for this user (search filters with it before ranking).
 */
export function visibleTo(idExpr: string, userParam: string): string {
  return `${idExpr} in (select g.pipeline_id from pipeline_grants g where g.user_id = ${userParam}::text)`
}
