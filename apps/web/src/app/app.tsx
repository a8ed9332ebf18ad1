/**
 * The app shell: who is signed in, and which page the hash route shows. The signed-in user is
 * cached on this device so that pipelines opened before open offline too.
 */
import { lazy, Suspense, useCallback, useEffect, useState } from 'react'
import { api, ApiError } from '../api/client.js'
import type { Me } from '../api/client.js'
import { dropPreloaded, takePreloaded } from '../api/preload.js'
import { AccountPage } from '../account/account-page.js'
import { AdminPage } from '../admin/admin-page.js'
import { SetupPage } from '../auth/setup-page.js'
import { SignUpPage } from '../auth/sign-up-page.js'
import { EditorPage } from '../editor/editor-page.js'
import { offlineCache } from '../offline/cache.js'
import { useTheme } from '../theme/theme.js'
import { navigate, useRoute } from './router.js'

// The sign-in and pipelines pages are chunks of their own: opening a pipeline loads neither.
const SignInPage = lazy(() =>
  import('../auth/sign-in-page.js').then((m) => ({ default: m.SignInPage })),
)
const PipelinesPage = lazy(() =>
  import('../pipelines/pipelines-page.js').then((m) => ({ default: m.PipelinesPage })),
)
const TeamsPage = lazy(() =>
  import('../teams/teams-page.js').then((m) => ({ default: m.TeamsPage })),
)
const loading = <div className="page center muted">Loading…</div>

type Auth = { state: 'loading' } | { state: 'signed-out' } | { state: 'signed-in'; me: Me }

export function App() {
  useTheme()
  const route = useRoute()
  const [auth, setAuth] = useState<Auth>(() => {
    const cached = offlineCache.me()
    return cached ? { state: 'signed-in', me: cached } : { state: 'loading' }
  })

  const loadMe = useCallback(async () => {
    try {
      // main.tsx started the first request before the app's code ran.
      const me = await (takePreloaded<Me>('me') ?? api.me())
      offlineCache.setMe(me)
      setAuth({ state: 'signed-in', me })
    } catch (e) {
      if (e instanceof ApiError && e.offline) {
        // Offline: keep the cached user (if any) so this device's copies stay usable.
        const cached = offlineCache.me()
        setAuth(cached ? { state: 'signed-in', me: cached } : { state: 'signed-out' })
      } else {
        dropPreloaded()
        offlineCache.setMe(undefined)
        setAuth({ state: 'signed-out' })
      }
    }
  }, [])

  useEffect(() => {
    void loadMe()
  }, [loadMe])

  const onSignedOut = useCallback(() => {
    offlineCache.setMe(undefined)
    setAuth({ state: 'signed-out' })
  }, [])

  const signOut = useCallback(() => {
    void api.logout().catch(() => undefined)
    offlineCache.clear()
    setAuth({ state: 'signed-out' })
    navigate({ page: 'sign-in' })
  }, [])

  const signedInOnSignInPage =
    auth.state === 'signed-in' &&
    (route.page === 'sign-in' ||
      route.page === 'sign-up' ||
      route.page === 'join' ||
      route.page === 'setup')
  useEffect(() => {
    if (signedInOnSignInPage) navigate({ page: 'pipelines' })
  }, [signedInOnSignInPage])

  // A new account is signed in by the server: load it and land on the pipelines.
  const onSignedUp = useCallback(() => {
    void loadMe().then(() => navigate({ page: 'pipelines' }))
  }, [loadMe])

  if (auth.state === 'loading') return loading
  if (auth.state === 'signed-out') {
    if (route.page === 'sign-up') return <SignUpPage onSignedIn={onSignedUp} />
    if (route.page === 'join') return <SignUpPage invite={route.code} onSignedIn={onSignedUp} />
    if (route.page === 'setup') return <SetupPage code={route.code} onSignedIn={onSignedUp} />
    return (
      <Suspense fallback={loading}>
        <SignInPage
          onSignedIn={() => {
            void loadMe().then(() => {
              if (route.page === 'sign-in') navigate({ page: 'pipelines' })
            })
          }}
        />
      </Suspense>
    )
  }
  if (route.page === 'editor') {
    return (
      <EditorPage
        key={route.pipelineId}
        pipelineId={route.pipelineId}
        me={auth.me}
        onSignedOut={onSignedOut}
      />
    )
  }
  if (route.page === 'admin') return <AdminPage me={auth.me} onSignOut={signOut} />
  if (route.page === 'account') return <AccountPage me={auth.me} onSignOut={signOut} />
  if (route.page === 'teams') {
    return (
      <Suspense fallback={loading}>
        <TeamsPage
          me={auth.me}
          onSignOut={signOut}
          {...(route.teamId ? { teamId: route.teamId } : {})}
        />
      </Suspense>
    )
  }
  return (
    <Suspense fallback={loading}>
      <PipelinesPage me={auth.me} onSignOut={signOut} />
    </Suspense>
  )
}
