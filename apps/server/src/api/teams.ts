/**
 * Teams: create, list, read with members, rename, delete; add, change and remove members, leave.
 * Team roles: owner > admin > member > viewer. Admins manage members and the name; only owners
 * make or unmake owners and delete the team; the last owner can neither leave nor be demoted.
 * A team the caller is not a member of does not exist for them (404, never 403). Membership
 * changes reach open sockets at once on this process (and within the access sweep elsewhere).
 * docs/decisions/0008-teams-and-sharing.md.
 */
import { Hono, type Context } from 'hono'
import * as v from 'valibot'
import { isEmail } from '../config/index.js'
import { StoreError, type Team, type TeamRole } from '@weft/storage'
import {
  actorOf,
  body,
  recheckSockets,
  requireCaller,
  type ApiOptions,
  type Env,
} from './context.js'
import { ApiError, errorCodes } from './errors.js'
import type { Operation } from './openapi.js'

export const TEAM_ID = /^[A-Za-z0-9_-]{1,64}$/
const TEAM_ROLES = ['owner', 'admin', 'member', 'viewer'] as const
const teamRank: Record<TeamRole, number> = { viewer: 1, member: 2, admin: 3, owner: 4 }

const TeamName = v.pipe(
  v.string(),
  v.trim(),
  v.minLength(1, 'must not be empty'),
  v.maxLength(100, 'must be at most 100 characters'),
)
const NewTeam = v.object({ name: TeamName })
const Member = v.object({
  email: v.pipe(v.string(), v.trim(), v.check(isEmail, 'must be an email address')),
  role: v.picklist(TEAM_ROLES, 'must be owner, admin, member or viewer'),
})

const TeamRoleName = v.picklist(TEAM_ROLES)
const TeamOut = v.object({
  id: v.string(),
  name: v.string(),
  /** Your role in the team. */
  role: TeamRoleName,
  memberCount: v.number(),
  createdAt: v.pipe(v.string(), v.isoTimestamp()),
})
const MemberOut = v.object({
  userId: v.string(),
  email: v.string(),
  role: TeamRoleName,
  addedAt: v.pipe(v.string(), v.isoTimestamp()),
})
const teamId = { teamId: 'The team id' }

export const teamOperations: readonly Operation[] = [
  {
    method: 'get',
    path: '/api/teams',
    tag: 'Teams',
    summary: 'The teams you are a member of, with your role',
    access: 'signed-in',
    responses: { 200: { description: 'Your teams', schema: v.array(TeamOut) } },
  },
  {
    method: 'post',
    path: '/api/teams',
    tag: 'Teams',
    summary: 'Create a team; you are its owner',
    access: 'signed-in',
    body: [{ type: 'application/json', schema: NewTeam }],
    responses: { 201: { description: 'Created', schema: TeamOut } },
  },
  {
    method: 'get',
    path: '/api/teams/{teamId}',
    tag: 'Teams',
    summary: 'A team with its members (members)',
    access: 'signed-in',
    params: teamId,
    responses: {
      200: {
        description: 'The team',
        schema: v.object({ ...TeamOut.entries, members: v.array(MemberOut) }),
      },
    },
    errors: { 404: [errorCodes.TEAM_NOT_FOUND] },
  },
  {
    method: 'patch',
    path: '/api/teams/{teamId}',
    tag: 'Teams',
    summary: 'Rename a team (owners and admins)',
    access: 'signed-in',
    params: teamId,
    body: [{ type: 'application/json', schema: NewTeam }],
    responses: { 200: { description: 'Renamed', schema: TeamOut } },
    errors: { 403: [errorCodes.FORBIDDEN], 404: [errorCodes.TEAM_NOT_FOUND] },
  },
  {
    method: 'delete',
    path: '/api/teams/{teamId}',
    tag: 'Teams',
    summary: 'Delete a team that owns no pipelines (owners); audited',
    access: 'signed-in',
    params: teamId,
    responses: { 204: { description: 'Deleted' } },
    errors: {
      403: [errorCodes.FORBIDDEN],
      404: [errorCodes.TEAM_NOT_FOUND],
      409: [errorCodes.TEAM_NOT_EMPTY],
    },
  },
  {
    method: 'put',
    path: '/api/teams/{teamId}/members',
    tag: 'Teams',
    summary: 'Add a member by email or change their role (owners and admins)',
    description:
      'Only owners make someone owner or change an owner. The last owner cannot be demoted. The member’s open sockets are re-checked at once. Audited.',
    access: 'signed-in',
    params: teamId,
    body: [{ type: 'application/json', schema: Member }],
    responses: {
      200: {
        description: 'The member',
        schema: v.object({ userId: v.string(), email: v.string(), role: TeamRoleName }),
      },
    },
    errors: {
      403: [errorCodes.FORBIDDEN],
      404: [errorCodes.TEAM_NOT_FOUND, errorCodes.USER_NOT_FOUND],
      409: [errorCodes.LAST_OWNER],
    },
  },
  {
    method: 'delete',
    path: '/api/teams/{teamId}/members/{userId}',
    tag: 'Teams',
    summary: 'Remove a member (owners and admins), or leave with `me`',
    description:
      'Only owners remove owners; the last owner cannot leave. The removed member’s open sockets on this team’s pipelines close with 4403. Audited.',
    access: 'signed-in',
    params: { ...teamId, userId: 'The member’s user id, or `me`' },
    responses: { 204: { description: 'Removed' } },
    errors: {
      403: [errorCodes.FORBIDDEN],
      404: [errorCodes.TEAM_NOT_FOUND, errorCodes.USER_NOT_FOUND],
      409: [errorCodes.LAST_OWNER],
    },
  },
]

/**
 * The caller's role in the team named by `:teamId`, if it is at least `minimum`. A team the
 * caller is not in answers 404.
 */
export async function teamRoleOn(
  options: ApiOptions,
  c: Context<Env>,
  minimum: TeamRole,
  teamId = c.req.param('teamId') ?? '',
): Promise<{ teamId: string; role: TeamRole }> {
  const role = TEAM_ID.test(teamId)
    ? await options.store.teams.memberRole(teamId, c.get('caller').user.id)
    : null
  if (role === null) throw new ApiError(404, errorCodes.TEAM_NOT_FOUND, 'No such team')
  if (teamRank[role] < teamRank[minimum]) {
    throw new ApiError(
      403,
      errorCodes.FORBIDDEN,
      `This needs the team role ${minimum}; you are ${role}`,
    )
  }
  return { teamId, role }
}

/** StoreErrors of team and sharing changes as API errors. */
export function teamStoreError(error: unknown, notFound: ApiError): never {
  if (error instanceof StoreError) {
    if (error.code === 'LAST_OWNER') throw new ApiError(409, errorCodes.LAST_OWNER, error.message)
    if (error.code === 'TEAM_NOT_EMPTY')
      throw new ApiError(409, errorCodes.TEAM_NOT_EMPTY, error.message)
    if (error.code === 'NOT_FOUND') throw notFound
  }
  throw error
}

export function publicTeam(team: Team) {
  return {
    id: team.id,
    name: team.name,
    role: team.role,
    memberCount: team.memberCount,
    createdAt: team.createdAt.toISOString(),
  }
}

export function teamRoutes(options: ApiOptions): Hono<Env> {
  const { store, auth, now } = options
  const app = new Hono<Env>()
  app.use('/api/teams', requireCaller(auth))
  app.use('/api/teams/*', requireCaller(auth))
  const noTeam = () => new ApiError(404, errorCodes.TEAM_NOT_FOUND, 'No such team')

  app.get('/api/teams', async (c) => {
    const teams = await store.teams.listTeams(c.get('caller').user.id)
    return c.json(teams.map(publicTeam))
  })

  app.post('/api/teams', async (c) => {
    const { name } = await body(c, NewTeam)
    const team = await store.teams.createTeam({ id: options.newId(), name }, actorOf(c), now())
    return c.json(publicTeam(team), 201)
  })

  app.get('/api/teams/:teamId', async (c) => {
    const { teamId } = await teamRoleOn(options, c, 'viewer')
    const team = await store.teams.getTeam(teamId, c.get('caller').user.id)
    if (!team) throw noTeam()
    const members = await store.teams.listMembers(teamId)
    return c.json({
      ...publicTeam(team),
      members: members.map((m) => ({
        userId: m.userId,
        email: m.email,
        role: m.role,
        addedAt: m.addedAt.toISOString(),
      })),
    })
  })

  app.patch('/api/teams/:teamId', async (c) => {
    const { teamId } = await teamRoleOn(options, c, 'admin')
    const { name } = await body(c, NewTeam)
    await store.teams
      .renameTeam(teamId, name, actorOf(c), now())
      .catch((e: unknown) => teamStoreError(e, noTeam()))
    const team = await store.teams.getTeam(teamId, c.get('caller').user.id)
    if (!team) throw noTeam()
    return c.json(publicTeam(team))
  })

  app.delete('/api/teams/:teamId', async (c) => {
    const { teamId } = await teamRoleOn(options, c, 'owner')
    await store.teams
      .deleteTeam(teamId, actorOf(c), now())
      .catch((e: unknown) => teamStoreError(e, noTeam()))
    // Shares with the team are gone: re-check every socket here (one query).
    await recheckSockets(options, () => true)
    return c.body(null, 204)
  })

  /** Adds a member or changes their role. */
  app.put('/api/teams/:teamId/members', async (c) => {
    const { teamId, role: mine } = await teamRoleOn(options, c, 'admin')
    const { email, role } = await body(c, Member)
    const user = await store.findUserByEmail(email)
    if (!user) throw new ApiError(404, errorCodes.USER_NOT_FOUND, `No user has the email ${email}`)
    const current = await store.teams.memberRole(teamId, user.id)
    if ((role === 'owner' || current === 'owner') && mine !== 'owner') {
      throw new ApiError(403, errorCodes.FORBIDDEN, 'Only an owner makes or changes an owner')
    }
    await store.teams
      .setMember(teamId, user.id, role, actorOf(c), now())
      .catch((e: unknown) => teamStoreError(e, noTeam()))
    await recheckSockets(options, (conn) => conn.principal.userId === user.id)
    return c.json({ userId: user.id, email: user.email, role })
  })

  /** Removes a member; `me` (or one's own id) leaves the team, whatever one's role. */
  app.delete('/api/teams/:teamId/members/:userId', async (c) => {
    const me = c.get('caller').user.id
    const param = c.req.param('userId')
    const userId = param === 'me' ? me : param
    const { teamId, role: mine } = await teamRoleOn(options, c, userId === me ? 'viewer' : 'admin')
    const current = TEAM_ID.test(userId) ? await store.teams.memberRole(teamId, userId) : null
    if (current === null) throw new ApiError(404, errorCodes.USER_NOT_FOUND, 'No such member')
    if (userId !== me && current === 'owner' && mine !== 'owner') {
      throw new ApiError(403, errorCodes.FORBIDDEN, 'Only an owner removes an owner')
    }
    await store.teams
      .setMember(teamId, userId, null, actorOf(c), now())
      .catch((e: unknown) => teamStoreError(e, noTeam()))
    await recheckSockets(options, (conn) => conn.principal.userId === userId)
    return c.body(null, 204)
  })

  return app
}
