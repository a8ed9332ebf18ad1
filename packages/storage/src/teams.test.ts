/**
 * Teams, sharing and the audit log against both backends: the visibility rule (every way to a
 * role, and the highest wins) as the list, getRole, the access sweep and search all read it, the
 * last-owner and non-empty-team guards, and an audit log that records each change and refuses to
 * be rewritten.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { backends } from './testing/stores.js'
import { RecordingDoc, sampleYaml } from './testing/docs.js'
import { StoreError } from './errors.js'
import type { Store, User } from './store.js'
import type { Actor } from './teams.js'

const T0 = new Date('2030-01-01T00:00:00Z')

describe.each(backends)('teams and sharing on $name', (backend) => {
  let store: Store

  beforeAll(async () => {
    store = await backend.open()
  })
  afterAll(async () => {
    await store?.close()
  })

  const newUser = () =>
    store.createUser({ email: `u-${randomUUID()}@example.com`, passwordHash: 'x', isAdmin: false })
  const actor = (u: User): Actor => ({ id: u.id, email: u.email })
  const newTeam = (owner: User, name = 'Team') =>
    store.teams.createTeam({ id: `t_${randomUUID()}`, name }, actor(owner), T0)

  async function newPipeline(owner: User, options: { teamId?: string; name?: string } = {}) {
    const id = `p_${randomUUID()}`
    const name = options.name ?? 'flow'
    await store.createPipeline({
      id,
      ownerId: owner.id,
      ...(options.teamId === undefined ? {} : { teamId: options.teamId }),
      name,
      description: '',
      epoch: `e_${randomUUID()}`,
      state: new RecordingDoc(sampleYaml(name)).state(),
      yaml: sampleYaml(name),
      search: sampleYaml(name),
    })
    return id
  }

  const code = async (promise: Promise<unknown>) => {
    try {
      await promise
    } catch (error) {
      expect(error).toBeInstanceOf(StoreError)
      return (error as StoreError).code
    }
    return 'resolved'
  }

  it('gives team members the role their team role maps to on team pipelines', async () => {
    const [owner, admin, member, viewer, outsider] = await Promise.all([
      newUser(),
      newUser(),
      newUser(),
      newUser(),
      newUser(),
    ])
    const team = await newTeam(owner)
    await store.teams.setMember(team.id, admin.id, 'admin', actor(owner), T0)
    await store.teams.setMember(team.id, member.id, 'member', actor(owner), T0)
    await store.teams.setMember(team.id, viewer.id, 'viewer', actor(owner), T0)
    const id = await newPipeline(member, { teamId: team.id })

    expect(await store.getRole(id, owner.id)).toBe('owner')
    expect(await store.getRole(id, admin.id)).toBe('owner')
    // The creator is a plain member: the team owns it, not them.
    expect(await store.getRole(id, member.id)).toBe('editor')
    expect(await store.getRole(id, viewer.id)).toBe('viewer')
    expect(await store.getRole(id, outsider.id)).toBeNull()
    expect(await store.getPipeline(id, outsider.id)).toBeNull()

    const listed = (await store.listPipelines(viewer.id)).find((p) => p.id === id)
    expect(listed?.role).toBe('viewer')
    expect(listed?.owner).toEqual({ kind: 'team', id: team.id, name: 'Team' })
    expect((await store.listPipelines(outsider.id)).map((p) => p.id)).not.toContain(id)
  })

  it('takes the highest of a direct share, a team share and team ownership', async () => {
    const [owner, user] = await Promise.all([newUser(), newUser()])
    const team = await newTeam(owner)
    const id = await newPipeline(owner)
    expect((await store.getPipeline(id, owner.id))?.owner).toEqual({
      kind: 'user',
      id: owner.id,
      email: owner.email,
    })

    await store.teams.setMember(team.id, user.id, 'member', actor(owner), T0)
    await store.teams.shareWithTeam(id, team.id, 'viewer', actor(owner), T0)
    expect(await store.getRole(id, user.id)).toBe('viewer')
    await store.teams.shareWithUser(id, user.id, 'editor', actor(owner), T0)
    expect(await store.getRole(id, user.id)).toBe('editor')
    await store.teams.shareWithUser(id, user.id, null, actor(owner), T0)
    expect(await store.getRole(id, user.id)).toBe('viewer')
    await store.teams.shareWithTeam(id, team.id, 'editor', actor(owner), T0)
    expect(await store.getRole(id, user.id)).toBe('editor')

    // A team viewer stays a viewer whatever the team's share says.
    await store.teams.setMember(team.id, user.id, 'viewer', actor(owner), T0)
    expect(await store.getRole(id, user.id)).toBe('viewer')

    const access = await store.teams.pipelineAccess(id)
    expect(access?.ownerTeam).toBeNull()
    expect(access?.grants).toEqual([
      { kind: 'user', userId: owner.id, email: owner.email, role: 'owner' },
      { kind: 'team', teamId: team.id, name: 'Team', role: 'editor' },
    ])
    const forUser = access?.effective.find((e) => e.userId === user.id)
    expect(forUser?.role).toBe('viewer')
    expect(forUser?.reasons).toEqual([
      { via: 'team-share', role: 'viewer', teamId: team.id, teamName: 'Team' },
    ])
    // The team's owner gets the share too, but their own ownership is higher.
    expect(access?.effective.find((e) => e.userId === owner.id)?.role).toBe('owner')
  })

  it('re-reads team membership in the access sweep’s one query', async () => {
    const [owner, user] = await Promise.all([newUser(), newUser()])
    const team = await newTeam(owner)
    const id = await newPipeline(owner, { teamId: team.id })
    const hash = `h_${randomUUID()}`
    await store.createCredential({ kind: 'session', hash, userId: user.id, expiresAt: null })
    const check = () => store.resolveAccess([{ kind: 'session', hash, pipelineId: id }], T0)

    expect(await check()).toEqual([null])
    await store.teams.setMember(team.id, user.id, 'member', actor(owner), T0)
    expect(await check()).toEqual(['editor'])
    await store.teams.setMember(team.id, user.id, 'viewer', actor(owner), T0)
    expect(await check()).toEqual(['viewer'])
    await store.teams.setMember(team.id, user.id, null, actor(owner), T0)
    expect(await check()).toEqual([null])
  })

  it('finds team pipelines and pipelines shared with a team in search', async () => {
    const [owner, user] = await Promise.all([newUser(), newUser()])
    const team = await newTeam(owner)
    const word = `w${randomUUID().replace(/-/g, '')}`
    const owned = await newPipeline(owner, { teamId: team.id, name: `${word} owned` })
    const shared = await newPipeline(owner, { name: `${word} shared` })
    await newPipeline(owner, { name: `${word} private` })
    await store.teams.shareWithTeam(shared, team.id, 'viewer', actor(owner), T0)
    await store.teams.setMember(team.id, user.id, 'member', actor(owner), T0)

    const hits = await store.search.search(user.id, { q: word, limit: 10 })
    expect(hits.map((h) => h.id).sort()).toEqual([owned, shared].sort())
    expect(hits.find((h) => h.id === owned)?.role).toBe('editor')
    expect(hits.find((h) => h.id === shared)?.role).toBe('viewer')
    const listed = (await store.listPipelines(user.id)).map((p) => p.id)
    expect(listed.sort()).toEqual([owned, shared].sort())
  })

  it('never leaves a team without an owner', async () => {
    const [owner, other] = await Promise.all([newUser(), newUser()])
    const team = await newTeam(owner)
    expect(await code(store.teams.setMember(team.id, owner.id, null, actor(owner), T0))).toBe(
      'LAST_OWNER',
    )
    expect(await code(store.teams.setMember(team.id, owner.id, 'admin', actor(owner), T0))).toBe(
      'LAST_OWNER',
    )
    await store.teams.setMember(team.id, other.id, 'owner', actor(owner), T0)
    await store.teams.setMember(team.id, owner.id, null, actor(owner), T0)
    expect(await store.teams.memberRole(team.id, owner.id)).toBeNull()
    expect(await code(store.teams.setMember(team.id, other.id, 'member', actor(other), T0))).toBe(
      'LAST_OWNER',
    )
    expect(
      await code(store.teams.setMember(`t_${randomUUID()}`, other.id, 'member', actor(other), T0)),
    ).toBe('NOT_FOUND')
  })

  it('deletes a team only once it owns no live pipelines', async () => {
    const owner = await newUser()
    const team = await newTeam(owner)
    const id = await newPipeline(owner, { teamId: team.id })
    expect(await code(store.teams.deleteTeam(team.id, actor(owner), T0))).toBe('TEAM_NOT_EMPTY')
    await store.deletePipeline(id, T0, actor(owner))
    await store.teams.deleteTeam(team.id, actor(owner), T0)
    expect(await store.teams.getTeam(team.id, owner.id)).toBeNull()
    expect(await store.teams.listTeams(owner.id)).toEqual([])
  })

  it('transfers a pipeline to a team and back to a user', async () => {
    const [owner, member] = await Promise.all([newUser(), newUser()])
    const team = await newTeam(owner)
    await store.teams.setMember(team.id, member.id, 'member', actor(owner), T0)
    const id = await newPipeline(member)
    expect(await store.getRole(id, member.id)).toBe('owner')
    await store.teams.transferPipeline(id, { teamId: team.id }, actor(member), T0)
    expect(await store.getRole(id, member.id)).toBe('editor')
    expect(await store.getRole(id, owner.id)).toBe('owner')
    await store.teams.transferPipeline(id, { userId: member.id }, actor(owner), T0)
    expect(await store.getRole(id, member.id)).toBe('owner')
    expect(await store.getRole(id, owner.id)).toBeNull()
  })

  it('writes every change to an append-only audit log, filtered and paged', async () => {
    const [owner, user] = await Promise.all([newUser(), newUser()])
    const team = await newTeam(owner, 'Audited')
    await store.teams.renameTeam(team.id, 'Audited team', actor(owner), T0)
    await store.teams.setMember(team.id, user.id, 'member', actor(owner), T0)
    await store.teams.setMember(team.id, user.id, 'viewer', actor(owner), T0)
    const id = await newPipeline(owner, { teamId: team.id, name: 'audited flow' })
    await store.teams.shareWithUser(id, user.id, 'editor', actor(owner), T0)
    await store.teams.shareWithUser(id, user.id, null, actor(owner), T0)
    // No change, no entry.
    await store.teams.shareWithUser(id, user.id, null, actor(owner), T0)
    await store.deletePipeline(id, T0, actor(owner))
    await store.teams.setMember(team.id, user.id, null, actor(user), T0)

    const entries = await store.teams.listAudit({ teamId: team.id, limit: 50 })
    expect(entries.map((e) => e.action)).toEqual([
      'team.member.remove',
      'pipeline.delete',
      'pipeline.unshare',
      'pipeline.share',
      'team.member.role',
      'team.member.add',
      'team.rename',
      'team.create',
    ])
    const removal = entries[0]!
    expect(removal.actorEmail).toBe(user.email)
    expect(removal.subject).toBe(user.email)
    expect(removal.details).toMatchObject({ role: null, previousRole: 'viewer' })
    expect(entries[1]).toMatchObject({ pipelineId: id, subject: 'audited flow' })
    expect(entries[3]?.details).toMatchObject({ with: 'user', role: 'editor', previousRole: null })
    expect(entries.every((e) => e.at.getTime() === T0.getTime())).toBe(true)

    const members = await store.teams.listAudit({
      teamId: team.id,
      action: 'team.member',
      limit: 50,
    })
    expect(members.map((e) => e.action)).toEqual([
      'team.member.remove',
      'team.member.role',
      'team.member.add',
    ])
    const page1 = await store.teams.listAudit({ teamId: team.id, limit: 3 })
    const page2 = await store.teams.listAudit({ teamId: team.id, limit: 3, before: page1[2]!.id })
    expect([...page1, ...page2].map((e) => e.id)).toEqual(entries.slice(0, 6).map((e) => e.id))
    const byActor = await store.teams.listAudit({ actorEmail: user.email, limit: 50 })
    expect(byActor.map((e) => e.action)).toEqual(['team.member.remove'])

    const db = (store as unknown as { teams: { db: { query(s: string): Promise<unknown> } } }).teams
      .db
    await expect(
      db.query(`update audit_log set actor_email = 'forged@example.com'`),
    ).rejects.toThrow(/append-only/)
    await expect(db.query('delete from audit_log')).rejects.toThrow(/append-only/)
    expect(await store.teams.listAudit({ teamId: team.id, limit: 50 })).toHaveLength(entries.length)
  })
})
