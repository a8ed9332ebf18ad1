/** The server's REST API from Node, as a signed-in user (cookie session), for test setup. */
import { admin } from './server.js'
import type { TestServer } from './server.js'

export class ApiUser {
  constructor(
    readonly base: string,
    readonly email: string,
    readonly password: string,
    private cookie: string,
  ) {}

  static async login(base: string, email: string, password: string): Promise<ApiUser> {
    const response = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email, password }),
    })
    if (!response.ok) throw new Error(`login ${email}: ${response.status} ${await response.text()}`)
    const cookie = response.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ')
    return new ApiUser(base, email, password, cookie)
  }

  async request(method: string, path: string, body?: string, type?: string): Promise<Response> {
    const headers: Record<string, string> = { cookie: this.cookie }
    if (type) headers['Content-Type'] = type
    return fetch(`${this.base}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
    })
  }

  async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const r = await this.request(
      method,
      path,
      body === undefined ? undefined : JSON.stringify(body),
      body === undefined ? undefined : 'application/json',
    )
    const text = await r.text()
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`)
    return (text ? JSON.parse(text) : undefined) as T
  }

  async createPipeline(yaml: string): Promise<string> {
    const r = await this.request('POST', '/api/pipelines', yaml, 'application/yaml')
    const text = await r.text()
    if (r.status !== 201) throw new Error(`create pipeline: ${r.status} ${text}`)
    return (JSON.parse(text) as { id: string }).id
  }

  async yaml(id: string): Promise<string> {
    const r = await this.request('GET', `/api/pipelines/${id}/yaml`)
    if (!r.ok) throw new Error(`GET yaml: ${r.status} ${await r.text()}`)
    return r.text()
  }

  async share(id: string, email: string, role: 'editor' | 'viewer' | 'owner'): Promise<void> {
    await this.json('PUT', `/api/pipelines/${id}/access`, { email, role })
  }

  async createUser(email: string, password: string): Promise<void> {
    await this.json('POST', '/api/users', { email, password })
  }
}

/** Signs in as the admin and creates the other users a test needs. */
export async function users(
  server: TestServer,
  emails: readonly string[],
): Promise<{ admin: ApiUser; password: (email: string) => string }> {
  const a = await ApiUser.login(server.url, admin.email, admin.password)
  const password = (email: string) => (email === admin.email ? admin.password : `pw-${email}-123`)
  for (const email of emails) await a.createUser(email, password(email))
  return { admin: a, password }
}
