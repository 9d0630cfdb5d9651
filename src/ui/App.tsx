/**
 * The app shell: picks the screen for the current route and carries the one piece of state that
 * crosses screens — a join the relay refused, shown on the join screen.
 */
import { useCallback, useState } from 'react'
import type { CloseReason } from '../sync'
import { UpdatePrompt } from './components/UpdatePrompt'
import { PeopleLayer } from './components/people/PeopleLayer'
import { type Route, navigate, useRoute } from './router'
import { LazyScreens, lazyScreen } from './components/LazyScreens'
import { HomeScreen } from './screens/HomeScreen'
import type { JoinPrefill } from './screens/JoinScreen'

// Loaded on first use: the home screen (the first view) needs neither Yjs nor the domain, so a
// first visit on a slow link draws it before the partnership's code has arrived.
const CreateScreen = lazyScreen(() => import('./screens/CreateScreen').then((m) => ({ default: m.CreateScreen })))
const JoinScreen = lazyScreen(() => import('./screens/JoinScreen').then((m) => ({ default: m.JoinScreen })))
const PartnershipScreen = lazyScreen(() => import('./screens/PartnershipScreen').then((m) => ({ default: m.PartnershipScreen })))

const JOIN_ROUTE: Route = { name: 'join' }

export function App({ invitedCode }: { readonly invitedCode?: string | undefined }) {
  const route = useRoute(invitedCode !== undefined ? JOIN_ROUTE : undefined)
  const [joinPrefill, setJoinPrefill] = useState<JoinPrefill | undefined>(
    invitedCode !== undefined ? { code: invitedCode, serial: 0 } : undefined,
  )

  const onJoinRefused = useCallback((code: string, refusal: CloseReason) => {
    setJoinPrefill((prev) => ({ code, refusal, serial: (prev?.serial ?? 0) + 1 }))
    navigate('#/join', { replace: true })
  }, [])

  return (
    <>
      {route.name === 'home' ? <HomeScreen /> : (
        <LazyScreens page={route.name}>
          {route.name === 'create' ? <CreateScreen /> : null}
          {route.name === 'join' ? <JoinScreen key={joinPrefill?.serial ?? -1} prefill={joinPrefill} /> : null}
          {route.name === 'partnership' ? (
            <PartnershipScreen key={route.roomId} roomId={route.roomId} path={route.path} onJoinRefused={onJoinRefused} />
          ) : null}
        </LazyScreens>
      )}
      <UpdatePrompt />
      <PeopleLayer />
    </>
  )
}
