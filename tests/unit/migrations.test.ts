import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  CURRENT_SCHEMA_VERSION,
  DomainError,
  EMPTY_ACTIVITY,
  MIGRATIONS,
  createActivity,
  listActivities,
  metaMap,
  openDocument,
  readMeta,
  updateActivity,
  type Migration,
} from '../../src/domain'
import { PARTNERSHIP_V1_BASE64 } from '../fixtures/partnershipV1'

function loadV1(): Y.Doc {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, new Uint8Array(Buffer.from(PARTNERSHIP_V1_BASE64, 'base64')))
  return doc
}

describe('migrations', () => {
  it('has ids that grow from 2 without gaps and match the current version', () => {
    MIGRATIONS.forEach((m, i) => expect(m.toVersion).toBe(i + 2))
    expect(CURRENT_SCHEMA_VERSION).toBe(1 + MIGRATIONS.length)
  })

  it('opens the frozen version-1 document as ready, with its data', () => {
    const doc = loadV1()
    expect(openDocument(doc)).toEqual({ kind: 'ready', schemaVersion: 1, migrated: [] })
    expect(readMeta(doc)?.schoolB).toEqual({ id: 'school-huye', name: 'GS Huye' })
    expect(listActivities(doc).map((a) => [a.title, a.description, a.cost])).toEqual([
      ['Letter exchange', 'Class 5 writes to P5.', { 'school-huye': { amount: 2000, currency: 'RWF' } }],
    ])
  })

  it('runs a missing step once, and two devices running it offline converge to one result', () => {
    // a step of the shape later issues add: give every activity a field with a default
    const addField: Migration = {
      toVersion: 2,
      description: 'activities get a partnerInput map',
      up: (doc) => {
        for (const a of doc.getMap<Y.Map<unknown>>('activities').values()) {
          if (!a.has('partnerInput')) a.set('partnerInput', new Y.Map())
        }
      },
    }
    const north = loadV1()
    const south = loadV1()
    expect(openDocument(north, [addField])).toMatchObject({ kind: 'ready', schemaVersion: 2, migrated: [2] })
    expect(openDocument(north, [addField])).toMatchObject({ kind: 'ready', schemaVersion: 2, migrated: [] })
    expect(openDocument(south, [addField])).toMatchObject({ kind: 'ready', schemaVersion: 2, migrated: [2] })
    Y.applyUpdate(north, Y.encodeStateAsUpdate(south))
    Y.applyUpdate(south, Y.encodeStateAsUpdate(north))
    const [activity] = [...north.getMap<Y.Map<unknown>>('activities').values()]
    expect(activity?.get('partnerInput')).toBeInstanceOf(Y.Map)
    expect(metaMap(north).get('schemaVersion')).toBe(2)
    expect(north.getMap('activities').toJSON()).toEqual(south.getMap('activities').toJSON())
  })

  it('opens a document from a newer app read-only and never writes to it', () => {
    const doc = loadV1()
    metaMap(doc).set('schemaVersion', CURRENT_SCHEMA_VERSION + 1)
    const before = Y.encodeStateAsUpdate(doc)
    expect(openDocument(doc)).toEqual({ kind: 'too-new', schemaVersion: CURRENT_SCHEMA_VERSION + 1 })
    const [id] = listActivities(doc).map((a) => a.id)
    expect(() => createActivity(doc, { ...EMPTY_ACTIVITY, title: 'New' }, 'An')).toThrow(DomainError)
    expect(() => updateActivity(doc, id!, { title: 'Changed' }, 'An')).toThrow(expect.objectContaining({ code: 'readOnly' }))
    expect(Y.encodeStateAsUpdate(doc)).toEqual(before)
    // still readable
    expect(listActivities(doc)[0]?.title).toBe('Letter exchange')
  })

  it('treats a document without meta as waiting for its first sync, and refuses writes', () => {
    const doc = new Y.Doc()
    expect(openDocument(doc)).toEqual({ kind: 'empty' })
    expect(() => createActivity(doc, { ...EMPTY_ACTIVITY, title: 'x' }, 'An')).toThrow(expect.objectContaining({ code: 'notFound' }))
  })
})
