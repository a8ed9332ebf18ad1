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
