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
  initPartnership,
  openDocument,
  readSchemaVersion,
  readSchoolProfiles,
  updateSchoolProfile,
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

  it('opens the frozen version-1 document: migrates it to the current version and keeps its data', () => {
    const doc = loadV1()
    expect(openDocument(doc)).toEqual({ kind: 'ready', schemaVersion: CURRENT_SCHEMA_VERSION, migrated: MIGRATIONS.map((m) => m.toVersion) })
    expect(openDocument(doc)).toEqual({ kind: 'ready', schemaVersion: CURRENT_SCHEMA_VERSION, migrated: [] })
    expect(readMeta(doc)?.schoolB).toEqual({ id: 'school-huye', name: 'GS Huye' })
    expect(listActivities(doc).map((a) => [a.title, a.description, a.cost])).toEqual([
      ['Letter exchange', 'Class 5 writes to P5.', { 'school-huye': { amount: 2000, currency: 'RWF' } }],
    ])
  })

  it('version 2 gives both schools a profile; two devices migrating offline and editing keep every edit', () => {
    const north = loadV1()
    const south = loadV1()
    openDocument(north)
    openDocument(south)
    updateSchoolProfile(north, 'school-gent', { vision: 'Learning from each other.', pupils: 420 }, 'An')
    updateSchoolProfile(south, 'school-huye', { town: 'Huye', timeZone: 'Africa/Kigali' }, 'Jean')
    updateSchoolProfile(south, 'school-gent', { motivation: 'Our partner asked us.' }, 'Jean')
    Y.applyUpdate(north, Y.encodeStateAsUpdate(south))
    Y.applyUpdate(south, Y.encodeStateAsUpdate(north))
    for (const d of [north, south]) {
      const [gent, huye] = readSchoolProfiles(d)!
      expect(gent).toMatchObject({ name: 'Sint-Jan Gent', vision: 'Learning from each other.', motivation: 'Our partner asked us.', pupils: 420 })
      expect(huye).toMatchObject({ name: 'GS Huye', town: 'Huye', timeZone: 'Africa/Kigali' })
    }
    expect(north.getMap('schools').toJSON()).toEqual(south.getMap('schools').toJSON())
    expect(north.getMap('schools').size).toBe(2)
  })

  it('runs a missing step once, and two devices running it offline converge to one result', () => {
    // a step of the shape later issues add: give every activity a field with a default
    const addField: Migration = {
      toVersion: CURRENT_SCHEMA_VERSION + 1,
      description: 'activities get a partnerInput map',
      up: (doc, origin) => {
        doc.transact(() => {
          for (const a of doc.getMap<Y.Map<unknown>>('activities').values()) {
            if (!a.has('partnerInput')) a.set('partnerInput', new Y.Map())
          }
        }, origin)
      },
    }
    const north = loadV1()
    const south = loadV1()
    const next = CURRENT_SCHEMA_VERSION + 1
    const steps = [...MIGRATIONS, addField]
    expect(openDocument(north, steps)).toMatchObject({ kind: 'ready', schemaVersion: next, migrated: [...MIGRATIONS.map((m) => m.toVersion), next] })
    expect(openDocument(north, steps)).toMatchObject({ kind: 'ready', schemaVersion: next, migrated: [] })
    expect(openDocument(south, steps)).toMatchObject({ kind: 'ready', schemaVersion: next })
    Y.applyUpdate(north, Y.encodeStateAsUpdate(south))
    Y.applyUpdate(south, Y.encodeStateAsUpdate(north))
    const [activity] = [...north.getMap<Y.Map<unknown>>('activities').values()]
    expect(activity?.get('partnerInput')).toBeInstanceOf(Y.Map)
    expect(metaMap(north).get('schemaVersion')).toBe(next)
    expect(north.getMap('activities').toJSON()).toEqual(south.getMap('activities').toJSON())
  })

  it('never lowers the version when a device that migrated less merges with one that migrated more', () => {
    const next: Migration = { toVersion: CURRENT_SCHEMA_VERSION + 1, description: 'a later step', up: () => undefined }
    for (let i = 0; i < 20; i++) {
      const ahead = loadV1()
      const behind = loadV1()
      openDocument(ahead, [...MIGRATIONS, next])
      openDocument(behind)
      Y.applyUpdate(ahead, Y.encodeStateAsUpdate(behind))
      Y.applyUpdate(behind, Y.encodeStateAsUpdate(ahead))
      expect(readSchemaVersion(ahead)).toBe(CURRENT_SCHEMA_VERSION + 1)
      expect(readSchemaVersion(behind)).toBe(CURRENT_SCHEMA_VERSION + 1)
      // so the app that knows less opens it read-only
      expect(openDocument(behind).kind).toBe('too-new')
    }
  })

  it('creates profiles only from real school ids in meta', () => {
    const doc = new Y.Doc()
    doc.getMap('meta').set('schemaVersion', 1)
    doc.getMap('meta').set('schoolA', { name: 'no id' })
    doc.getMap('meta').set('schoolB', { id: 'huye', name: 'GS Huye' })
    openDocument(doc)
    expect([...doc.getMap('schools').keys()]).toEqual(['huye'])
  })

  it('keeps the device client id while creating and migrating (Yjs changes it when it thinks another device uses it)', () => {
    const doc = loadV1()
    const id = doc.clientID
    openDocument(doc)
    expect(doc.clientID).toBe(id)
    const fresh = new Y.Doc()
    const freshId = fresh.clientID
    initPartnership(fresh, { name: 'P', ourSchoolName: 'A', partnerSchoolName: 'B' }, { schoolAId: 'a', schoolBId: 'b' }, 'An')
    updateSchoolProfile(fresh, 'a', { town: 'Gent' }, 'An')
    expect(fresh.clientID).toBe(freshId)
    expect(readSchoolProfiles(fresh)?.[0].town).toBe('Gent')
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
