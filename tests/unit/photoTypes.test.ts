/**
 * A photo is only ever a JPEG or a WebP (issue 10, section 1): a record claiming another type is
 * not a photo, and the bytes decide what a blob is, never the document.
 */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { initPartnership, isPhotoRef, readLetter, sendLetter, type Author } from '../../src/domain'
import { sniffImageType } from '../../src/domain/imageType'
import { blobOf } from '../../src/storage/blobs'
import type { BlobRow } from '../../src/storage/db'

const AN: Author = { personId: 'p-an', name: 'An', deviceId: 'd-north' }
const photo = (type: string, hash = 'a'.repeat(64)) => ({ hash, bytes: 1200, width: 800, height: 600, type })
const HTML = new TextEncoder().encode('<!doctype html><script>alert(1)</script>')
const SVG = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>')
const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46])
const WEBP = new Uint8Array([...new TextEncoder().encode('RIFF'), 0x24, 0, 0, 0, ...new TextEncoder().encode('WEBPVP8 ')])
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

describe('a photo record', () => {
  it('is a photo only with a type the app writes: image/jpeg or image/webp', () => {
    expect(isPhotoRef(photo('image/jpeg'))).toBe(true)
    expect(isPhotoRef(photo('image/webp'))).toBe(true)
    for (const type of ['text/html', 'image/svg+xml', 'application/xhtml+xml', 'image/png', 'IMAGE/JPEG', 'image/jpeg; x=1', '', 'application/octet-stream']) {
      expect(isPhotoRef(photo(type)), type).toBe(false)
    }
  })

  it('written by another program with type text/html or image/svg+xml, is skipped by the reader', () => {
    const doc = new Y.Doc()
    initPartnership(doc, { name: 'Gent–Huye', ourSchoolName: 'Sint-Jan Gent', partnerSchoolName: 'GS Huye' }, { schoolAId: 'gent', schoolBId: 'huye' }, AN)
    const good = photo('image/jpeg', 'b'.repeat(64))
    const id = sendLetter(
      doc,
      { kind: 'class', fromSchoolId: 'gent', fromWho: 'Class 5B', toSchoolId: 'huye', toWho: 'P5', language: 'nl', subject: 'Hallo', body: 'Wij', activityId: '', replyTo: '', photos: [good], nextStep: { who: '', what: '', toWhom: '', dueDate: '' } },
      AN,
    )
    const photos = (doc.getMap('letters').get(id) as Y.Map<unknown>).get('photos') as Y.Map<unknown>
    photos.set('c'.repeat(64), photo('text/html', 'c'.repeat(64)))
    photos.set('d'.repeat(64), photo('image/svg+xml', 'd'.repeat(64)))
    expect(readLetter(doc, id)!.photos).toEqual([good])
  })
})

describe('sniffImageType: what the bytes are', () => {
  it('knows JPEG and WebP by their magic numbers', () => {
    expect(sniffImageType(JPEG)).toBe('image/jpeg')
    expect(sniffImageType(WEBP)).toBe('image/webp')
  })

  it('knows nothing else: HTML, SVG, PNG, RIFF that is not WebP, short or empty bytes', () => {
    const riffWave = new Uint8Array([...new TextEncoder().encode('RIFF'), 0, 0, 0, 0, ...new TextEncoder().encode('WAVE')])
    for (const bytes of [HTML, SVG, PNG, riffWave, new Uint8Array([0xff, 0xd8]), new Uint8Array()]) expect(sniffImageType(bytes)).toBeUndefined()
  })

  it('types the blob for an <img> by the bytes, never by the stored type; other bytes give no blob', () => {
    const row = (data: Uint8Array, type: string): BlobRow => ({ hash: 'a'.repeat(64), type, bytes: data.byteLength, width: 1, height: 1, data, storedAt: '' }) as BlobRow
    expect(blobOf(row(JPEG, 'text/html'))!.type).toBe('image/jpeg')
    expect(blobOf(row(WEBP, 'image/svg+xml'))!.type).toBe('image/webp')
    expect(blobOf(row(HTML, 'image/jpeg'))).toBeUndefined()
    expect(blobOf(row(SVG, 'image/svg+xml'))).toBeUndefined()
  })
})
