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
 * True when the user bound at `userParam` has a role on the pipeline row `alias` — the rule of
 * `pipeline_grants`, branch by branch, written per row for search: the pipeline's owning team is
 * one of the user's, or it has a `pipeline_access` row for the user, or it is shared with one of
 * the user's teams. Under OR, PostgreSQL runs each list once as a hashed subplan (the user's
 * teams, direct rows and team shares, all small) and tests candidates against them as it finds
 * them, so a search can stop after the newest matches. Going through the view instead makes it
 * collect every visible pipeline first: 100,000 for a member of a team that owns them all.
 * `visibility.test.ts` checks that this and the view agree.
 */
export function visibleTo(alias: string, userParam: string): string {
  const user = `${userParam}::text`
  return `(${alias}.owner_team_id in (select m.team_id from team_members m where m.user_id = ${user})
    or ${alias}.id in (select a.pipeline_id from pipeline_access a where a.user_id = ${user})
    or ${alias}.id in (select s.pipeline_id from pipeline_team_shares s
      join team_members m on m.team_id = s.team_id where m.user_id = ${user}))`
}

/**
 * `visibleTo` for a user with many direct or team shares: the same three branches, but the
 * share branches are index probes per row (`pipeline_access_user_pipeline_idx`, the share
 * table's primary key) instead of a hash of all the user's shares. PostgreSQL builds that hash
 * once per test in a query, and for 20,000 shares each build read 20,000 index entries (3-13 ms)
 * to check a handful of rows. `visibility.test.ts` checks search in this form too.
 */
export function visibleToByProbe(alias: string, userParam: string): string {
  const user = `${userParam}::text`
  return `(${alias}.owner_team_id in (select tm.team_id from team_members tm where tm.user_id = ${user})
    or coalesce((select true from pipeline_access a
      where a.user_id = ${user} and a.pipeline_id = ${alias}.id limit 1), false)
    or coalesce((select true from pipeline_team_shares s join team_members tm on tm.team_id = s.team_id
      where s.pipeline_id = ${alias}.id and tm.user_id = ${user} limit 1), false))`
}

/**
 * A scalar: how many direct and team shares the user has, at most `cap + 1`: which of
 * `visibleTo` and `visibleToByProbe` suits them.
 */
export function sharesUpTo(userParam: string, cap: number): string {
  const user = `${userParam}::text`
  return `(select count(*) from (
      select 1 from pipeline_access a where a.user_id = ${user}
      union all select 1 from pipeline_team_shares s
        join team_members m on m.team_id = s.team_id where m.user_id = ${user}
      limit ${Math.floor(cap) + 1}) x)`
}

/**
 * A scalar: the pipelines the user sees, counted from the indexes of the three branches without
 * reading a pipeline row, and at most `cap + 1` (the count stops there: counting a member of
 * every team would walk the whole library). At least the true number up to `cap`: a branch
 * overlap counts twice, deleted pipelines count.
 */
export function visibleUpperBound(userParam: string, cap: number): string {
  const user = `${userParam}::text`
  return `(select count(*) from (
      select 1 from pipelines p
      where p.owner_team_id in (select m.team_id from team_members m where m.user_id = ${user})
      union all select 1 from pipeline_access a where a.user_id = ${user}
      union all select 1 from pipeline_team_shares s
        join team_members m on m.team_id = s.team_id where m.user_id = ${user}
      limit ${Math.floor(cap) + 1}) x)`
}
