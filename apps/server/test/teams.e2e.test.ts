/**
 * Teams, sharing and the audit log through the built server on a real PostgreSQL: every route and
 * the socket refuse what the caller's effective role does not allow (404 when they cannot see the
 * pipeline, 403 when they can but may not), membership changes reach open sockets (at once on the
 * process that made them, within the access sweep on another), and each change is audited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freshDatabaseUrl } from '@weft/storage/testing'
import {
  ADMIN,
  api,
  connectClient,
  createPipeline,
  createUser,
  pipelineYaml,
  rawUpgrade,
  startServerProcess,
  tokenFor,
  waitFor,
  type ServerProcess,
} from './harness.js'

let server: ServerProcess
let other: ServerProcess
let admin: string

beforeAll(async () => {
  const DATABASE_URL = await freshDatabaseUrl()
  server = await startServerProcess({ DATABASE_URL, WEFT_ACCESS_RECHECK_MS: '2000' })
  // A second process on the same database: changes made there reach sockets here only through
  // the access sweep.
  other = await startServerProcess({ DATABASE_URL, WEFT_ACCESS_RECHECK_MS: '2000' })
  admin = await tokenFor(server.url, ADMIN)
})
afterAll(async () => {
  await Promise.all([server?.stop(), other?.stop()])
})

let n = 0
const user = (name: string) => createUser(server.url, admin, `${name}-${++n}@example.com`)

async function team(token: string, name = 'Platform'): Promise<string> {
  const res = await api(server.url, 'POST', '/api/teams', { token, json: { name } })
  expect(res.status).toBe(201)
  return res.json.id as string
}

async function addMember(token: string, teamId: string, email: string, role: string) {
  const res = await api(server.url, 'PUT', `/api/teams/${teamId}/members`, {
    token,
    json: { email, role },
  })
  expect(res.status, res.text).toBe(200)
}

async function teamPipeline(token: string, teamId: string, name: string): Promise<string> {
  const res = await api(server.url, 'POST', `/api/pipelines?team=${teamId}`, {
    token,
    body: pipelineYaml(name),
  })
  expect(res.status, res.text).toBe(201)
  return res.json.id as string
}

/** Every REST route that reads or changes a pipeline, with a body where it takes one. */
const pipelineRoutes = (id: string, teamId: string) =>
  [
    ['GET', `/api/pipelines/${id}`],
    ['GET', `/api/pipelines/${id}/yaml`],
    ['GET', `/api/pipelines/${id}/access`],
    ['PUT', `/api/pipelines/${id}/yaml`, { body: pipelineYaml('defaced') }],
    ['PUT', `/api/pipelines/${id}/access`, { json: { email: ADMIN.email, role: 'editor' } }],
    ['PUT', `/api/pipelines/${id}/access`, { json: { team: teamId, role: 'editor' } }],
    ['PUT', `/api/pipelines/${id}/owner`, { json: { email: ADMIN.email } }],
    ['PUT', `/api/pipelines/${id}/template`, { json: { template: true } }],
    ['DELETE', `/api/pipelines/${id}`],
  ] as const

describe('teams', () => {
  it('creates a team, manages members by email and keeps an owner', async () => {
    const [owner, lead, dev] = await Promise.all([user('owner'), user('lead'), user('dev')])
    const id = await team(owner.token, 'Data')
    await addMember(owner.token, id, lead.email, 'admin')
    await addMember(lead.token, id, dev.email, 'member')

    const read = await api(server.url, 'GET', `/api/teams/${id}`, { token: dev.token })
    expect(read.status).toBe(200)
    expect(read.json).toMatchObject({ id, name: 'Data', role: 'member', memberCount: 3 })
    expect(
      read.json.members.map((m: { email: string; role: string }) => [m.email, m.role]),
    ).toEqual([
      [owner.email, 'owner'],
      [lead.email, 'admin'],
      [dev.email, 'member'],
    ])
    const mine = await api(server.url, 'GET', '/api/teams', { token: dev.token })
    expect(mine.json.map((t: { id: string }) => t.id)).toEqual([id])

    // Admins manage members and the name, but only owners make or touch owners.
    const rename = await api(server.url, 'PATCH', `/api/teams/${id}`, {
      token: lead.token,
      json: { name: 'Data platform' },
    })
    expect(rename.json.name).toBe('Data platform')
    const promote = await api(server.url, 'PUT', `/api/teams/${id}/members`, {
      token: lead.token,
      json: { email: lead.email, role: 'owner' },
    })
    expect(promote.status).toBe(403)
    const memberAdds = await api(server.url, 'PUT', `/api/teams/${id}/members`, {
      token: dev.token,
      json: { email: ADMIN.email, role: 'member' },
    })
    expect(memberAdds.status).toBe(403)
    const bad = await api(server.url, 'PUT', `/api/teams/${id}/members`, {
      token: owner.token,
      json: { email: dev.email, role: 'boss' },
    })
    expect(bad.status).toBe(400)
    expect(bad.json.error.message).toMatch(/^role: must be owner, admin, member or viewer/)
    const nobody = await api(server.url, 'PUT', `/api/teams/${id}/members`, {
      token: owner.token,
      json: { email: 'nobody@example.com', role: 'member' },
    })
    expect(nobody.json.error.code).toBe('USER_NOT_FOUND')

    // The last owner can neither leave nor be demoted.
    const leave = await api(server.url, 'DELETE', `/api/teams/${id}/members/me`, {
      token: owner.token,
    })
    expect([leave.status, leave.json.error.code]).toEqual([409, 'LAST_OWNER'])
    const demote = await api(server.url, 'PUT', `/api/teams/${id}/members`, {
      token: owner.token,
      json: { email: owner.email, role: 'admin' },
    })
    expect([demote.status, demote.json.error.code]).toEqual([409, 'LAST_OWNER'])

    // A member leaves; an admin cannot remove an owner.
    expect(
      (await api(server.url, 'DELETE', `/api/teams/${id}/members/me`, { token: dev.token })).status,
    ).toBe(204)
    expect((await api(server.url, 'GET', `/api/teams/${id}`, { token: dev.token })).status).toBe(
      404,
    )
    const ownerId = read.json.members[0].userId as string
    const kick = await api(server.url, 'DELETE', `/api/teams/${id}/members/${ownerId}`, {
      token: lead.token,
    })
    expect(kick.status).toBe(403)

    // A team that owns pipelines is not deleted; an empty one is, by an owner only.
    const pipeline = await teamPipeline(lead.token, id, 'team flow')
    expect(
      (await api(server.url, 'DELETE', `/api/teams/${id}`, { token: lead.token })).status,
    ).toBe(403)
    const full = await api(server.url, 'DELETE', `/api/teams/${id}`, { token: owner.token })
    expect([full.status, full.json.error.code]).toEqual([409, 'TEAM_NOT_EMPTY'])
    await api(server.url, 'DELETE', `/api/pipelines/${pipeline}`, { token: lead.token })
    expect(
      (await api(server.url, 'DELETE', `/api/teams/${id}`, { token: owner.token })).status,
    ).toBe(204)
    expect((await api(server.url, 'GET', `/api/teams/${id}`, { token: owner.token })).status).toBe(
      404,
    )
  })

  it('hides a team from non-members on every team route (404)', async () => {
    const [owner, stranger] = await Promise.all([user('owner'), user('stranger')])
    const id = await team(owner.token)
    for (const [method, path, json] of [
      ['GET', `/api/teams/${id}`, undefined],
      ['PATCH', `/api/teams/${id}`, { name: 'mine' }],
      ['DELETE', `/api/teams/${id}`, undefined],
      ['PUT', `/api/teams/${id}/members`, { email: stranger.email, role: 'owner' }],
      ['DELETE', `/api/teams/${id}/members/me`, undefined],
      ['POST', `/api/pipelines?team=${id}`, undefined],
    ] as const) {
      const res = await api(server.url, method, path, {
        token: stranger.token,
        ...(json === undefined ? {} : { json }),
        ...(method === 'POST' ? { body: pipelineYaml('sneaky') } : {}),
      })
      expect([method, path, res.status]).toEqual([method, path, 404])
      expect(res.json.error.code).toBe('TEAM_NOT_FOUND')
    }
  })
})

describe('permissions on team and shared pipelines', () => {
  it('answers 404 on every route and on the socket to someone outside the team', async () => {
    const [owner, outsider] = await Promise.all([user('owner'), user('outsider')])
    const teamId = await team(owner.token)
    const outsiderTeam = await team(outsider.token, 'Outsiders')
    const id = await teamPipeline(owner.token, teamId, 'secretplan')
    for (const [method, path, extra] of pipelineRoutes(id, outsiderTeam)) {
      const res = await api(server.url, method, path, { token: outsider.token, ...extra })
      expect([method, path, res.status]).toEqual([method, path, 404])
    }
    const socket = await rawUpgrade(server.wsUrl, id, ['weft', `weft-token.${outsider.token}`])
    expect(socket).toEqual({ status: 404 })
    const list = await api(server.url, 'GET', '/api/pipelines', { token: outsider.token })
    expect(list.json.map((p: { id: string }) => p.id)).not.toContain(id)
    const found = await api(server.url, 'GET', '/api/search?q=secretplan', {
      token: outsider.token,
    })
    expect(found.json).toEqual([])
  })

  it('lets a team viewer read but write by no route, REST or socket', async () => {
    const [owner, viewer] = await Promise.all([user('owner'), user('viewer')])
    const teamId = await team(owner.token)
    await addMember(owner.token, teamId, viewer.email, 'viewer')
    const id = await teamPipeline(owner.token, teamId, 'viewable')

    const listed = await api(server.url, 'GET', '/api/pipelines', { token: viewer.token })
    expect(listed.json.find((p: { id: string }) => p.id === id)).toMatchObject({
      role: 'viewer',
      owner: { kind: 'team', id: teamId, name: 'Platform' },
    })
    for (const [method, path, extra] of pipelineRoutes(id, teamId)) {
      const res = await api(server.url, method, path, { token: viewer.token, ...extra })
      expect([method, path, res.status]).toEqual([method, path, method === 'GET' ? 200 : 403])
    }
    // Creating in the team needs at least the member role.
    const create = await api(server.url, 'POST', `/api/pipelines?team=${teamId}`, {
      token: viewer.token,
      body: pipelineYaml('by a viewer'),
    })
    expect(create.status).toBe(403)

    const reader = connectClient(server.wsUrl, id, viewer.token)
    const writer = connectClient(server.wsUrl, id, owner.token)
    try {
      await waitFor('sync', () => reader.provider.synced && writer.provider.synced)
      reader.doc.getMap('root').set('x-viewer', 1)
      writer.doc.getMap('root').set('x-owner', 1)
      await waitFor(
        'owner write reaches the viewer',
        () => reader.doc.getMap('root').get('x-owner') === 1,
      )
      await new Promise((r) => setTimeout(r, 300))
      expect(writer.doc.getMap('root').get('x-viewer')).toBeUndefined()
      const yaml = await api(server.url, 'GET', `/api/pipelines/${id}/yaml`, { token: owner.token })
      expect(yaml.text).not.toContain('defaced')
    } finally {
      reader.destroy()
      writer.destroy()
    }
  })

  it('gives team members editor and team admins owner rights on team pipelines', async () => {
    const [owner, lead, dev] = await Promise.all([user('owner'), user('lead'), user('dev')])
    const teamId = await team(owner.token)
    await addMember(owner.token, teamId, lead.email, 'admin')
    await addMember(owner.token, teamId, dev.email, 'member')
    const id = await teamPipeline(dev.token, teamId, 'shared work')
    const edit = await api(server.url, 'PUT', `/api/pipelines/${id}/yaml`, {
      token: dev.token,
      body: pipelineYaml('edited by dev'),
    })
    expect(edit.status).toBe(200)
    const share = await api(server.url, 'PUT', `/api/pipelines/${id}/access`, {
      token: dev.token,
      json: { email: ADMIN.email, role: 'viewer' },
    })
    expect(share.status).toBe(403)
    const byLead = await api(server.url, 'PUT', `/api/pipelines/${id}/access`, {
      token: lead.token,
      json: { email: ADMIN.email, role: 'viewer' },
    })
    expect(byLead.status).toBe(200)
    const access = await api(server.url, 'GET', `/api/pipelines/${id}/access`, { token: dev.token })
    expect(access.json.role).toBe('editor')
    expect(access.json.ownerTeam).toEqual({ id: teamId, name: 'Platform' })
    const reasons = Object.fromEntries(
      access.json.effective.map(
        (e: { email: string; role: string; reasons: { via: string }[] }) => [
          e.email,
          [e.role, e.reasons.map((r) => r.via)],
        ],
      ),
    )
    expect(reasons).toEqual({
      [owner.email]: ['owner', ['team']],
      [lead.email]: ['owner', ['team']],
      [dev.email]: ['editor', ['team']],
      [ADMIN.email]: ['viewer', ['direct']],
    })
  })

  it('shares a personal pipeline with a team; its members see and search it', async () => {
    const [owner, member] = await Promise.all([user('owner'), user('member')])
    const teamId = await team(owner.token)
    await addMember(owner.token, teamId, member.email, 'member')
    const id = await createPipeline(server.url, owner.token, pipelineYaml('teamsharedflow'))
    const before = await api(server.url, 'GET', `/api/pipelines/${id}`, { token: member.token })
    expect(before.status).toBe(404)
    const share = await api(server.url, 'PUT', `/api/pipelines/${id}/access`, {
      token: owner.token,
      json: { team: teamId, role: 'editor' },
    })
    expect(share.status).toBe(200)
    const listed = await api(server.url, 'GET', '/api/pipelines', { token: member.token })
    expect(listed.json.find((p: { id: string }) => p.id === id)).toMatchObject({
      role: 'editor',
      owner: { kind: 'user', email: owner.email },
    })
    const found = await api(server.url, 'GET', '/api/search?q=teamsharedflow', {
      token: member.token,
    })
    expect(found.json.map((h: { id: string }) => h.id)).toEqual([id])
    await api(server.url, 'PUT', `/api/pipelines/${id}/access`, {
      token: owner.token,
      json: { team: teamId, role: null },
    })
    const after = await api(server.url, 'GET', `/api/pipelines/${id}`, { token: member.token })
    expect(after.status).toBe(404)
  })

  it('transfers a personal pipeline to a team the owner administers', async () => {
    const [owner, member] = await Promise.all([user('owner'), user('member')])
    const teamId = await team(owner.token)
    await addMember(owner.token, teamId, member.email, 'member')
    const id = await createPipeline(server.url, member.token, pipelineYaml('moving'))
    const refused = await api(server.url, 'PUT', `/api/pipelines/${id}/owner`, {
      token: member.token,
      json: { team: teamId },
    })
    expect(refused.status).toBe(403)
    await addMember(owner.token, teamId, member.email, 'admin')
    const moved = await api(server.url, 'PUT', `/api/pipelines/${id}/owner`, {
      token: member.token,
      json: { team: teamId },
    })
    expect(moved.status).toBe(200)
    expect(moved.json.owner).toEqual({ kind: 'team', id: teamId, name: 'Platform' })
    const ownerSees = await api(server.url, 'GET', `/api/pipelines/${id}`, { token: owner.token })
    expect(ownerSees.json.role).toBe('owner')
  })
})

describe('membership changes reach open sockets', () => {
  it('closes a removed member’s socket at once on this process, within 5 s from another', async () => {
    const [owner, a, b] = await Promise.all([user('owner'), user('a'), user('b')])
    const teamId = await team(owner.token)
    await addMember(owner.token, teamId, a.email, 'member')
    await addMember(owner.token, teamId, b.email, 'member')
    const id = await teamPipeline(owner.token, teamId, 'live')
    const open = async (token: string) => {
      const result = await rawUpgrade(server.wsUrl, id, ['weft', `weft-token.${token}`])
      if (!('open' in result)) throw new Error(`socket refused: ${result.status}`)
      const closed = new Promise<{ code: number; at: number }>((resolve) =>
        result.open.once('close', (code) => resolve({ code, at: Date.now() })),
      )
      return { socket: result.open, closed }
    }

    const first = await open(a.token)
    const removedAt = Date.now()
    await api(server.url, 'DELETE', `/api/teams/${teamId}/members/${await userId(a.token)}`, {
      token: owner.token,
    })
    const local = await first.closed
    expect(local.code).toBe(4403)
    expect(local.at - removedAt).toBeLessThan(1000)

    // Removed through the other process: only the sweep on this one can notice.
    const second = await open(b.token)
    const otherToken = await tokenFor(other.url, { email: owner.email, password: owner.password })
    const start = Date.now()
    const res = await api(
      other.url,
      'DELETE',
      `/api/teams/${teamId}/members/${await userId(b.token)}`,
      {
        token: otherToken,
      },
    )
    expect(res.status).toBe(204)
    const swept = await second.closed
    expect(swept.code).toBe(4403)
    expect(swept.at - start).toBeLessThan(5000)
  })

  it('applies a lowered team role in place: the member turned viewer can no longer write', async () => {
    const [owner, dev] = await Promise.all([user('owner'), user('dev')])
    const teamId = await team(owner.token)
    await addMember(owner.token, teamId, dev.email, 'member')
    const id = await teamPipeline(owner.token, teamId, 'demoted')
    const editor = connectClient(server.wsUrl, id, dev.token)
    const watcher = connectClient(server.wsUrl, id, owner.token)
    try {
      await waitFor('sync', () => editor.provider.synced && watcher.provider.synced)
      editor.doc.getMap('root').set('x-before', 1)
      await waitFor('write arrives', () => watcher.doc.getMap('root').get('x-before') === 1)
      await addMember(owner.token, teamId, dev.email, 'viewer')
      editor.doc.getMap('root').set('x-after', 1)
      watcher.doc.getMap('root').set('x-owner', 1)
      await waitFor(
        'owner write reaches the demoted member',
        () => editor.doc.getMap('root').get('x-owner') === 1,
      )
      await new Promise((r) => setTimeout(r, 300))
      expect(watcher.doc.getMap('root').get('x-after')).toBeUndefined()
      expect(editor.closeEvents).toEqual([])
    } finally {
      editor.destroy()
      watcher.destroy()
    }
  })
})

async function userId(token: string): Promise<string> {
  const me = await api(server.url, 'GET', '/api/me', { token })
  return me.json.id as string
}

describe('audit log', () => {
  it('records access, membership, deletion and token changes, for admins and team admins', async () => {
    const [owner, lead, dev, outsider] = await Promise.all([
      user('owner'),
      user('lead'),
      user('dev'),
      user('outsider'),
    ])
    const teamId = await team(owner.token, 'Audited')
    await addMember(owner.token, teamId, lead.email, 'admin')
    await addMember(lead.token, teamId, dev.email, 'member')
    const id = await teamPipeline(dev.token, teamId, 'audited flow')
    await api(server.url, 'PUT', `/api/pipelines/${id}/access`, {
      token: lead.token,
      json: { email: outsider.email, role: 'viewer' },
    })
    await api(server.url, 'DELETE', `/api/pipelines/${id}`, { token: owner.token })
    const token = await api(server.url, 'POST', '/api/tokens', {
      token: dev.token,
      json: { name: 'ci' },
    })
    await api(server.url, 'DELETE', `/api/tokens/${token.json.id}`, { token: dev.token })

    const forLead = await api(server.url, 'GET', `/api/audit?team=${teamId}`, { token: lead.token })
    expect(forLead.status).toBe(200)
    expect(
      forLead.json.entries.map((e: { action: string; actorEmail: string; subject: string }) => [
        e.action,
        e.actorEmail,
        e.subject,
      ]),
    ).toEqual([
      ['pipeline.delete', owner.email, 'audited flow'],
      ['pipeline.share', lead.email, outsider.email],
      ['team.member.add', lead.email, dev.email],
      ['team.member.add', owner.email, lead.email],
      ['team.create', owner.email, 'Audited'],
    ])
    expect(Date.parse(forLead.json.entries[0].at)).toBeGreaterThan(Date.now() - 60_000)
    expect(forLead.json.next).toBeNull()

    const page = await api(server.url, 'GET', `/api/audit?team=${teamId}&limit=2`, {
      token: lead.token,
    })
    expect(page.json.entries).toHaveLength(2)
    const rest = await api(
      server.url,
      'GET',
      `/api/audit?team=${teamId}&limit=10&before=${page.json.next}`,
      { token: lead.token },
    )
    expect([...page.json.entries, ...rest.json.entries]).toEqual(forLead.json.entries)

    // A plain member, a stranger and a non-admin without a team are refused.
    expect(
      (await api(server.url, 'GET', `/api/audit?team=${teamId}`, { token: dev.token })).status,
    ).toBe(403)
    expect(
      (await api(server.url, 'GET', `/api/audit?team=${teamId}`, { token: outsider.token })).status,
    ).toBe(404)
    expect((await api(server.url, 'GET', '/api/audit', { token: lead.token })).status).toBe(403)
    const bad = await api(server.url, 'GET', '/api/audit?since=yesterday', { token: admin })
    expect([bad.status, bad.json.error.message]).toEqual([400, 'since must be an ISO date'])

    // The server admin reads everything, filtered by actor and action.
    const tokens = await api(server.url, 'GET', `/api/audit?actor=${dev.email}&action=token`, {
      token: admin,
    })
    expect(tokens.json.entries.map((e: { action: string }) => e.action)).toEqual([
      'token.revoke',
      'token.create',
    ])
    expect(tokens.json.entries[1].subject).toBe('ci')
  })
})
