/**
 * The bare-stack page `npm run bench:app` measures beside the app (tests/bench/app.bench.ts):
 * the same libraries doing the minimum — React renders a "Create partnership" button through
 * i18next, Dexie opens a database, a Y.Doc is kept in y-indexeddb, a y-websocket provider is made
 * (not connected) and workbox-window registers a service worker. Not part of the app.
 */
import Dexie from 'dexie'
import i18next from 'i18next'
import { StrictMode, useEffect, useState } from 'react'
import { createRoot } from 'react-dom/client'
import { Workbox } from 'workbox-window'
import { IndexeddbPersistence } from 'y-indexeddb'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'

const db = new Dexie('anchor')
db.version(1).stores({ settings: 'key' })
const doc = new Y.Doc()
const persistence = new IndexeddbPersistence('anchor-doc', doc)
const provider = new WebsocketProvider(`ws://${location.host}/sync`, 'anchor', doc, { connect: false })

function Home() {
  const [opened, setOpened] = useState(0)
  useEffect(() => {
    void db.open().then(() => persistence.whenSynced).then(() => setOpened(doc.getMap('meta').size + (provider.wsconnected ? 1 : 0)))
  }, [])
  return (
    <main data-opened={opened}>
      <h1>{i18next.t('title')}</h1>
      <button type="button" onClick={() => doc.getMap('meta').set('name', 'Anchor')}>
        {i18next.t('create')}
      </button>
    </main>
  )
}

async function start(): Promise<void> {
  await i18next.init({ lng: 'en', resources: { en: { translation: { title: 'Welcome', create: 'Create partnership' } } } })
  const root = document.getElementById('root')
  if (!root) throw new Error('#root missing')
  createRoot(root).render(
    <StrictMode>
      <Home />
    </StrictMode>,
  )
  if ('serviceWorker' in navigator) void new Workbox('/sw.js').register()
}

void start()
