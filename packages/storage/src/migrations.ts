import type { Db } from './sql.js'

/**
 * The schema, as an ordered list of migrations. They are TypeScript strings, not .sql files,
 * because the server ships as one bundled file. Never edit an applied migration: append a new
 * one. Each statement runs separately (the extended protocol takes one statement at a time), and
 * the same SQL runs on PostgreSQL and PGlite.
 */
export interface Migration {
  version: number
  name: string
  statements: string[]
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    statements: [
      `create table users (
        id text primary key,
        email text not null unique check (email = lower(email)),
        password_hash text not null,
        is_admin boolean not null default false,
        created_at timestamptz not null default now()
      )`,
      `create table credentials (
        hash text primary key,
        kind text not null check (kind in ('session', 'token')),
        user_id text not null references users(id) on delete cascade,
        name text,
        created_at timestamptz not null default now(),
        expires_at timestamptz,
        revoked_at timestamptz
      )`,
      `create index credentials_user_idx on credentials (user_id)`,
      `create table pipelines (
        id text primary key,
        owner_id text not null references users(id),
        name text not null,
        description text not null default '',
        epoch text not null,
        head_seq bigint not null default 0,
        snapshot bytea,
        snapshot_seq bigint not null default 0,
        yaml text not null default '',
        search text not null default '',
        search_vector tsvector generated always as (
          to_tsvector('simple'::regconfig, name || ' ' || description || ' ' || search)
        ) stored,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        deleted_at timestamptz
      )`,
      `create index pipelines_search_idx on pipelines using gin (search_vector)`,
      `create table pipeline_access (
        pipeline_id text not null references pipelines(id) on delete cascade,
        user_id text not null references users(id) on delete cascade,
        role text not null check (role in ('owner', 'editor', 'viewer')),
        primary key (pipeline_id, user_id)
      )`,
      `create index pipeline_access_user_idx on pipeline_access (user_id)`,
      `create table pipeline_updates (
        pipeline_id text not null references pipelines(id) on delete cascade,
        seq bigint not null,
        data bytea not null,
        created_at timestamptz not null default now(),
        primary key (pipeline_id, seq)
      )`,
    ],
  },
  {
    version: 2,
    name: 'team templates',
    statements: [`alter table pipelines add column is_template boolean not null default false`],
  },
  {
    version: 4,
    name: 'search: weighted vector and step types',
    statements: [
      // Name above description above step names and prompt text. Still a generated column, so
      // it stays maintained wherever name, description and search are written.
      `drop index if exists pipelines_search_idx`,
      `alter table pipelines drop column search_vector`,
      `alter table pipelines add column search_vector tsvector generated always as (
        setweight(to_tsvector('simple'::regconfig, name), 'A') ||
        setweight(to_tsvector('simple'::regconfig, description), 'B') ||
        setweight(to_tsvector('simple'::regconfig, search), 'C')
      ) stored`,
      `create index pipelines_search_idx on pipelines using gin (search_vector)`,
      `alter table pipelines add column step_types text[] not null default '{}'`,
      `create index pipelines_step_types_idx on pipelines using gin (step_types)`,
    ],
  },
  {
    version: 5,
    name: 'teams, sharing and the audit log',
    statements: [
      `create table teams (
        id text primary key,
        name text not null check (length(name) between 1 and 100),
        created_at timestamptz not null default now()
      )`,
      `create table team_members (
        team_id text not null references teams(id) on delete cascade,
        user_id text not null references users(id) on delete cascade,
        role text not null check (role in ('owner', 'admin', 'member', 'viewer')),
        added_at timestamptz not null default now(),
        primary key (team_id, user_id)
      )`,
      `create index team_members_user_idx on team_members (user_id)`,
      // A pipeline belongs to its owner_id user, or, when owner_team_id is set, to that team
      // (owner_id then names who created it). A team that owns live pipelines is not deleted.
      `alter table pipelines add column owner_team_id text references teams(id) on delete set null`,
      `create index pipelines_owner_team_idx on pipelines (owner_team_id)`,
      `create table pipeline_team_shares (
        pipeline_id text not null references pipelines(id) on delete cascade,
        team_id text not null references teams(id) on delete cascade,
        role text not null check (role in ('editor', 'viewer')),
        primary key (pipeline_id, team_id)
      )`,
      `create index pipeline_team_shares_team_idx on pipeline_team_shares (team_id)`,
      // THE definition of who may see a pipeline, and as what (docs/decisions/0008): one row per
      // reason a user has a role on a pipeline; the effective role is the highest rank
      // (1 viewer, 2 editor, 3 owner). Deleted pipelines are filtered by the callers, who join
      // pipelines anyway. No aggregation here, so a caller's user and pipeline conditions reach
      // every branch's index.
      `create view pipeline_grants as
        select a.pipeline_id, a.user_id,
          case a.role when 'owner' then 3 when 'editor' then 2 else 1 end as rank,
          case a.role when 'owner' then 'owner' else 'direct' end as via,
          null::text as team_id
        from pipeline_access a
        union all
        select p.id, m.user_id,
          case m.role when 'owner' then 3 when 'admin' then 3 when 'member' then 2 else 1 end,
          'team', p.owner_team_id
        from pipelines p join team_members m on m.team_id = p.owner_team_id
        union all
        select s.pipeline_id, m.user_id,
          case when m.role = 'viewer' or s.role = 'viewer' then 1 else 2 end,
          'team-share', s.team_id
        from pipeline_team_shares s join team_members m on m.team_id = s.team_id`,
      `create table audit_log (
        id bigint generated always as identity primary key,
        at timestamptz not null,
        actor_id text,
        actor_email text not null,
        action text not null,
        team_id text,
        pipeline_id text,
        subject text,
        details text not null default '{}'
      )`,
      `create index audit_log_team_idx on audit_log (team_id, id)`,
      `create index audit_log_pipeline_idx on audit_log (pipeline_id, id)`,
      // Append-only: the database itself refuses to change or remove an entry.
      `create function audit_log_append_only() returns trigger language plpgsql as $$
        begin
          raise exception 'the audit log is append-only' using errcode = '42501';
        end
      $$`,
      `create trigger audit_log_append_only before update or delete or truncate on audit_log
        for each statement execute function audit_log_append_only()`,
    ],
  },
  {
    version: 6,
    name: 'version history',
    statements: [
      // See versions.ts and docs/decisions/0009-version-history.md.
      `create table pipeline_versions (
        id text primary key,
        pipeline_id text not null references pipelines(id) on delete cascade,
        number integer not null,
        kind text not null check (kind in ('auto', 'named', 'restore')),
        name text,
        epoch text not null,
        head_seq bigint not null,
        state bytea not null,
        yaml text not null,
        authors text[] not null default '{}',
        created_by text references users(id) on delete set null,
        created_at timestamptz not null,
        restored_from text,
        unique (pipeline_id, number)
      )`,
      `create table pipeline_edit_activity (
        pipeline_id text primary key references pipelines(id) on delete cascade,
        first_at timestamptz not null,
        last_at timestamptz not null,
        authors text[] not null default '{}'
      )`,
      `create index pipeline_edit_activity_last_idx on pipeline_edit_activity (last_at)`,
    ],
  },
  {
    version: 7,
    name: 'accounts: invites, setup code, user names',
    statements: [
      `alter table users add column name text not null default ''`,
      `create table invites (
        id text primary key,
        hash text not null unique,
        email text check (email = lower(email)),
        is_admin boolean not null default false,
        created_by text references users(id) on delete set null,
        created_at timestamptz not null default now(),
        expires_at timestamptz not null,
        used_at timestamptz,
        used_by text references users(id) on delete set null,
        revoked_at timestamptz
      )`,
      `create table setup_codes (
        hash text primary key,
        expires_at timestamptz not null
      )`,
    ],
  },
  {
    version: 8,
    name: 'search: tags, tiered vectors, index-ordered candidates',
    statements: [
      // Tags are Weft's own metadata (the pipeline_ex format has none): lower case, validated
      // by the API (checkTags in @weft/core).
      `alter table pipelines add column tags text[] not null default '{}'`,
      // Big values (YAML, snapshot, search text and vector) go out of line, so a heap page holds
      // many pipelines and a bitmap scan of the search indexes reads few pages. The small
      // vectors below stay in the row (storage main): a search checks them on every candidate.
      `alter table pipelines set (toast_tuple_target = 512)`,
      `create function weft_name_key(name text) returns text language sql immutable parallel safe
        as $$ select btrim(regexp_replace(lower(name), '[^[:alnum:]]+', ' ', 'g')) $$`,
      // array_to_string is only stable (it formats any element type); for text[] it is not.
      `create function weft_tags_text(tags text[]) returns text language sql immutable parallel safe
        as $$ select array_to_string(tags, ' ') $$`,
      // websearch_to_tsquery, with the last word also matching as a prefix when asked (type-ahead)
      // and the query ends in a word.
      `create function weft_search_query(q text, prefix boolean) returns tsquery
        language sql immutable parallel safe as $$
          select case when prefix and numnode(w) > 0 and right(w::text, 1) = ''''
            then (w::text || ':*')::tsquery else w end
          from websearch_to_tsquery('simple'::regconfig, q) as w $$`,
      // Small vectors for the upper tiers. Bounded (the first 200 characters of the name, 500 of
      // the description), because they are also stored in a btree index below, whose entries
      // must stay under about 2.7 kB; the whole text still ranks through search_vector.
      `alter table pipelines
        add column name_vector tsvector generated always as (
          setweight(to_tsvector('simple'::regconfig,
            left(name, 200) || ' ' || weft_tags_text(tags)), 'A')) stored,
        add column title_vector tsvector generated always as (
          setweight(to_tsvector('simple'::regconfig,
            left(name, 200) || ' ' || weft_tags_text(tags)), 'A') ||
          setweight(to_tsvector('simple'::regconfig, left(description, 500)), 'B')) stored`,
      `alter table pipelines alter column name_vector set storage main,
        alter column title_vector set storage main, alter column description set storage main`,
      `create index pipelines_name_vector_idx on pipelines using gin (name_vector)`,
      `create index pipelines_title_vector_idx on pipelines using gin (title_vector)`,
      `create index pipelines_tags_idx on pipelines using gin (tags)`,
      `create index pipelines_name_key_idx on pipelines (weft_name_key(name))
        where deleted_at is null`,
      // Newest first, with what a search checks per row, so the newest matches of a common word
      // are found by an index-only scan that stops after the candidates it needs.
      `create index pipelines_recent_idx on pipelines (updated_at desc, id)
        include (owner_id, step_types, tags, name_vector, title_vector)
        where deleted_at is null`,
      `create index pipelines_owner_recent_idx on pipelines (owner_id, updated_at desc)
        where deleted_at is null`,
      // The user's pipelines as an index-only scan (the visibility test in search).
      `create index pipeline_access_user_pipeline_idx on pipeline_access (user_id, pipeline_id)`,
      `drop index if exists pipeline_access_user_idx`,
    ],
  },
  {
    version: 9,
    name: 'search: recency of the summary, not of every append',
    statements: [
      // Migration 8 ordered search candidates by updated_at, which every append sets: an
      // indexed column, so no append could be a HOT update (each wrote into every index,
      // the GIN ones included). summary_at changes only when compaction rewrites the summary
      // (name, description, text), which writes those indexes anyway.
      `alter table pipelines add column summary_at timestamptz not null default now()`,
      `update pipelines set summary_at = updated_at`,
      `drop index pipelines_recent_idx`,
      `drop index pipelines_owner_recent_idx`,
      // The owning team is here too: the visibility test reads it on every candidate.
      `create index pipelines_recent_idx on pipelines (summary_at desc, id)
        include (owner_id, owner_team_id, step_types, tags, name_vector, title_vector)
        where deleted_at is null`,
      `create index pipelines_owner_recent_idx on pipelines (owner_id, summary_at desc)
        where deleted_at is null`,
    ],
  },
  {
    version: 10,
    name: 'search: newest pipelines per owning team',
    statements: [
      // Search for a user who sees few pipelines walks each of their teams' pipelines in
      // recency order (search.ts, scope few), testing the small vectors and filters in the index.
      `create index pipelines_team_recent_idx on pipelines (owner_team_id, summary_at desc, id)
        include (owner_id, step_types, tags, name_vector, title_vector)
        where deleted_at is null`,
    ],
  },
  {
    version: 12,
    name: 'search: each step and its text, to name the matching step',
    statements: [
      // [{ name, text }] per top-level step, written with the summary. A search that matched in
      // the steps names the step from this instead of parsing each hit's YAML on the server
      // (about 1 ms a hit). Null until a pipeline is next summarised: then the YAML is parsed.
      `alter table pipelines add column step_text jsonb`,
    ],
  },
]

/** An arbitrary constant that names "weft schema migration" among advisory locks. */
const MIGRATION_LOCK = 0x77656674

/**
 * Applies every migration not yet recorded in schema_migrations, in one transaction under an
 * advisory lock, so two servers starting together never both apply one. Returns the versions it
 * applied.
 */
export async function migrate(db: Db, list: readonly Migration[] = migrations): Promise<number[]> {
  return db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1::bigint)', [MIGRATION_LOCK])
    await tx.query(`create table if not exists schema_migrations (
      version integer primary key,
      name text not null,
      applied_at timestamptz not null default now()
    )`)
    const rows = await tx.query<{ version: number }>('select version from schema_migrations')
    const done = new Set(rows.map((r) => Number(r.version)))
    const applied: number[] = []
    for (const migration of [...list].sort((a, b) => a.version - b.version)) {
      if (done.has(migration.version)) continue
      for (const statement of migration.statements) await tx.query(statement)
      await tx.query('insert into schema_migrations (version, name) values ($1, $2)', [
        migration.version,
        migration.name,
      ])
      applied.push(migration.version)
    }
    return applied
  })
}
