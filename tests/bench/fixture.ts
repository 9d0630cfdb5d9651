/**
 * The five-year partnership of issue 12, built with the domain's own functions: 1,000 activities
 * (each edited twice), 500 letters of 300–700 characters (170 of them translated), 300 reflections
 * (answered by each school), 100 meetings, spread over five school years (2021–22 … 2025–26) and
 * written on 10 devices (5 per school).
 *
 * How it is written, as the app would: every device keeps its own Y.Doc; a device's session
 * (10–25 changes) starts by catching up with the merged document (`hub`, what the relay holds),
 * writes through src/domain, writes its delivery receipt, and hands its changes back. Each session
 * gets a new Yjs client id, as a page load does, so the state vector ends up with ~240 client ids
 * from 10 devices. The history recorder the domain installs writes its entries too.
 *
 * Seeded, byte for byte: while it builds, `crypto.getRandomValues` (record ids) and the clock
 * (`new Date()` of history entries) are replaced by the seed's generator and the simulated time,
 * then put back. `scale` shrinks every count (the unit test uses 0.05).
 */
import { gzipSync } from 'node:zlib'
import * as Y from 'yjs'
import {
  EMPTY_ACTIVITY,
  addMeeting,
  addTranslation,
  answerReflection,
  createActivity,
  initPartnership,
  listActivities,
  listFeedback,
  listLetterThreads,
  listMeetings,
  readActivity,
  sendLetter,
  startReflection,
  updateActivity,
  writeReceipt,
  type ActivityStatus,
  type Author,
} from '../../src/domain'
import { mulberry32 } from '../helpers/random'

export interface FixtureStats {
  activities: number
  letters: number
  translated: number
  reflections: number
  meetings: number
  devices: number
  encodedBytes: number
  gzipBytes: number
  /** Yjs client ids in the state vector (one per device session). */
  clientIds: number
}

/** The counts of issue 12 at scale 1. */
export const FIVE_YEARS = { activities: 1000, letters: 500, translated: 170, reflections: 300, meetings: 100, devices: 10, years: 5 } as const

const DAY = 86_400_000
const FIRST_YEAR = 2021
const SCHOOL_A = 'school-a-flanders'
const SCHOOL_B = 'school-b-kigali'



class Rng {
  readonly next: () => number
  constructor(seed: number) {
    this.next = mulberry32(seed)
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }
  pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.next() * list.length)]!
  }
  uint32(): number {
    return Math.floor(this.next() * 4294967296) >>> 0
  }
}

const WORDS = {
  nl: 'de het een klas leerlingen school samen water tuin brief project week groep juf meester kinderen spel foto lied verhaal markt boom regen zon plan idee vraag antwoord feest sport voetbal dans muziek boeken bibliotheek ouders dorp stad'.split(' '),
  fr: "la le une classe élèves école ensemble eau jardin lettre projet semaine groupe maîtresse maître enfants jeu photo chanson histoire marché arbre pluie soleil plan idée question réponse fête sport football danse musique livres bibliothèque parents village ville".split(' '),
  en: 'the a class pupils school together water garden letter project week group teacher children game photo song story market tree rain sun plan idea question answer party sport football dance music books library parents village town'.split(' '),
}
type Lang = keyof typeof WORDS

/** Words until at least `min` characters (and at most `max`). */
function prose(rng: Rng, lang: Lang, min: number, max: number): string {
  const target = rng.int(min, max)
  let out = ''
  let sentence = 0
  while (out.length < target) {
    let w = rng.pick(WORDS[lang])
    if (sentence === 0) w = w[0]!.toUpperCase() + w.slice(1)
    sentence++
    const end = sentence > rng.int(6, 14) ? '.' : ''
    if (end) sentence = 0
    const next = (out ? out + ' ' : '') + w + end
    if (next.length > max) break
    out = next
  }
  return out.length >= min ? out : out + '.'.repeat(min - out.length)
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}

/** Swaps `crypto.getRandomValues` and `Date` for seeded ones while `fn` runs. */
function seededWorld<T>(rng: Rng, clock: { ms: number }, fn: () => T): T {
  const crypto = globalThis.crypto
  const hadOwn = Object.prototype.hasOwnProperty.call(crypto, 'getRandomValues')
  const ownBefore = (crypto as { getRandomValues: unknown }).getRandomValues
  const RealDate = globalThis.Date
  class FixtureDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(clock.ms)
      else super(...(args as [string]))
    }
    static override now(): number {
      return clock.ms
    }
  }
  Object.defineProperty(crypto, 'getRandomValues', {
    configurable: true,
    writable: true,
    value: <V extends ArrayBufferView | null>(view: V): V => {
      if (view) {
        const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength)
        for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(rng.next() * 256)
      }
      return view
    },
  })
  globalThis.Date = FixtureDate as DateConstructor
  try {
    return fn()
  } finally {
    globalThis.Date = RealDate
    if (hadOwn) Object.defineProperty(crypto, 'getRandomValues', { configurable: true, writable: true, value: ownBefore })
    else delete (crypto as { getRandomValues?: unknown }).getRandomValues
  }
}

interface Device {
  readonly doc: Y.Doc
  readonly schoolId: string
  readonly lang: Lang
  readonly author: Author
}

/** One change, at a moment of the five years, by whichever device's session it falls in. */
interface Op {
  readonly at: number
  readonly seq: number
  readonly run: (device: Device, now: Date) => void
}

function scaled(n: number, scale: number): number {
  return Math.max(1, Math.round(n * scale))
}

export function buildFiveYearPartnership(options: { seed?: number; scale?: number } = {}): { doc: Y.Doc; stats: FixtureStats } {
  const seed = options.seed ?? 1
  const scale = options.scale ?? 1
  const rng = new Rng(seed)
  const clock = { ms: Date.UTC(FIRST_YEAR, 8, 1) }
  const doc = seededWorld(rng, clock, () => build(rng, clock, scale))
  const encoded = Y.encodeStateAsUpdate(doc)
  const stats: FixtureStats = {
    activities: listActivities(doc).length,
    letters: listLetterThreads(doc).reduce((n, t) => n + 1 + t.replies.length, 0),
    translated: listLetterThreads(doc).reduce((n, t) => n + [t.letter, ...t.replies].filter((l) => l.translations.length > 0).length, 0),
    reflections: listFeedback(doc).reflections.length,
    meetings: listMeetings(doc).length,
    devices: FIVE_YEARS.devices,
    encodedBytes: encoded.length,
    gzipBytes: gzipSync(encoded).length,
    clientIds: Y.decodeStateVector(Y.encodeStateVector(doc)).size,
  }
  return { doc, stats }
}

function build(rng: Rng, clock: { ms: number }, scale: number): Y.Doc {
  const hub = new Y.Doc()
  const usedClients = new Set<number>()
  const newClientId = (): number => {
    let id = rng.uint32()
    while (usedClients.has(id) || id === 0) id = rng.uint32()
    usedClients.add(id)
    return id
  }
  const names = ['Ms Peeters', 'Mr Janssens', 'Ms Claes', 'Mr Maes', 'Ms Wouters', 'Mme Uwase', 'M. Habimana', 'Mme Mukamana', 'M. Niyonzima', 'Mme Ingabire']
  const devices: Device[] = names.map((name, i) => {
    const d = new Y.Doc()
    d.clientID = newClientId()
    const school = i < FIVE_YEARS.devices / 2
    return {
      doc: d,
      schoolId: school ? SCHOOL_A : SCHOOL_B,
      lang: school ? 'nl' : 'fr',
      author: { personId: `person-${i}-${seed4(rng)}`, name, deviceId: `device-${i}-${seed4(rng)}` },
    }
  })

  const ops: Op[] = []
  let seq = 0
  const add = (at: number, run: Op['run']): void => void ops.push({ at, seq: seq++, run })
  const yearStart = (y: number): number => Date.UTC(FIRST_YEAR + y, 8, 1)
  const yearEnd = (y: number): number => Date.UTC(FIRST_YEAR + y + 1, 5, 30)
  const within = (y: number, from: number): number => Math.min(yearEnd(y), from)
  const statuses: ActivityStatus[] = ['in-progress', 'done', 'done', 'postponed']

  const nActivities = scaled(FIVE_YEARS.activities, scale)
  const nLetters = scaled(FIVE_YEARS.letters, scale)
  const nTranslated = scaled(FIVE_YEARS.translated, scale)
  const nReflections = scaled(FIVE_YEARS.reflections, scale)
  const nMeetings = scaled(FIVE_YEARS.meetings, scale)
  const years = FIVE_YEARS.years

  // the partnership itself, by the first device, on the first day
  add(yearStart(0) - DAY, (dev, now) =>
    initPartnership(dev.doc, { name: 'Klas zonder grenzen', ourSchoolName: 'Basisschool De Linde', partnerSchoolName: 'École primaire de Kigali' }, { schoolAId: SCHOOL_A, schoolBId: SCHOOL_B }, dev.author, now),
  )

  const activityIds: string[] = []
  const activityEnd: number[] = []
  for (let k = 0; k < nActivities; k++) {
    const y = k % years
    const created = yearStart(y) + rng.int(0, 250) * DAY
    const start = within(y, created + rng.int(7, 40) * DAY)
    const end = within(y, start + rng.int(0, 10) * DAY)
    const edit1 = within(y, created + rng.int(1, 30) * DAY)
    const edit2 = within(y, Math.max(edit1, end) + rng.int(1, 14) * DAY)
    activityEnd[k] = edit2
    add(created, (dev, now) => {
      activityIds[k] = createActivity(
        dev.doc,
        {
          ...EMPTY_ACTIVITY,
          title: prose(rng, dev.lang, 12, 60).replace(/\.$/, ''),
          description: prose(rng, dev.lang, 40, 160),
          targetGroup: rng.pick(['leerjaar 5', 'leerjaar 6', 'leerkrachten', 'ouders']),
          kind: rng.pick(['own-school', 'with-partner', 'joint'] as const),
          leadSchoolId: dev.schoolId,
          responsible: { [dev.schoolId]: dev.author.name },
          cost: rng.next() < 0.4 ? { [dev.schoolId]: { amount: rng.int(5, 500), currency: dev.schoolId === SCHOOL_A ? 'EUR' : 'RWF' } } : {},
        },
        dev.author,
        now,
      )
    })
    add(edit1, (dev, now) => {
      const id = activityIds[k]!
      const prev = readActivity(dev.doc, id)
      if (!prev) throw new Error(`fixture: activity ${id} missing`)
      updateActivity(dev.doc, id, { status: 'planned', startDate: isoDate(start), endDate: isoDate(end), description: `${prev.description} ${prose(rng, dev.lang, 20, 60)}` }, dev.author, now)
    })
    add(edit2, (dev, now) => {
      updateActivity(dev.doc, activityIds[k]!, { status: rng.pick(statuses), expectedResults: prose(rng, dev.lang, 40, 120) }, dev.author, now)
    })
  }

  const letterIds: string[] = []
  const letterLang: Lang[] = []
  for (let k = 0; k < nLetters; k++) {
    const y = k % years
    const sent = yearStart(y) + rng.int(0, 290) * DAY
    const hasNextStep = rng.next() < 0.3
    const replyTo = k >= years && rng.next() < 0.4 ? k - years : -1
    add(sent, (dev, now) => {
      const other = dev.schoolId === SCHOOL_A ? SCHOOL_B : SCHOOL_A
      letterLang[k] = dev.lang
      letterIds[k] = sendLetter(
        dev.doc,
        {
          kind: rng.pick(['class', 'class', 'teachers', 'heads'] as const),
          fromSchoolId: dev.schoolId,
          fromWho: `Klas ${rng.int(1, 6)}${rng.pick(['A', 'B'])}`,
          toSchoolId: other,
          toWho: `Classe ${rng.int(1, 6)}`,
          language: dev.lang,
          subject: prose(rng, dev.lang, 10, 50).replace(/\.$/, ''),
          body: prose(rng, dev.lang, 300, 700),
          activityId: '',
          replyTo: replyTo >= 0 ? (letterIds[replyTo] ?? '') : '',
          photos: [],
          nextStep: hasNextStep
            ? { who: dev.author.name, what: prose(rng, dev.lang, 15, 60), toWhom: 'partner', dueDate: isoDate(sent + 21 * DAY) }
            : { who: '', what: '', toWhom: '', dueDate: '' },
        },
        dev.author,
        now,
      )
    })
    if (k < nTranslated) {
      add(sent + rng.int(1, 10) * DAY, (dev, now) => {
        const into: Lang = letterLang[k] === 'nl' ? 'fr' : 'nl'
        addTranslation(dev.doc, letterIds[k]!, { language: into, translator: dev.author.name, subject: prose(rng, into, 10, 50), body: prose(rng, into, 300, 700) }, dev.author, now)
      })
    }
  }

  for (let k = 0; k < nReflections; k++) {
    // every third-ish activity gets a reflection after its last edit
    const a = Math.floor((k * nActivities) / nReflections)
    const at = activityEnd[a]! + rng.int(1, 10) * DAY
    const answers = (dev: Device, now: Date, id: string): void =>
      answerReflection(dev.doc, id, dev.schoolId, { wentWell: prose(rng, dev.lang, 30, 150), learned: prose(rng, dev.lang, 30, 150), change: prose(rng, dev.lang, 20, 80) }, dev.author, now)
    add(at, (dev, now) => {
      const id = startReflection(dev.doc, { activityId: activityIds[a]!, date: isoDate(at) }, dev.author, now)
      answers(dev, now, id)
    })
    add(at + rng.int(1, 20) * DAY, (dev, now) => answers(dev, now, `activity:${activityIds[a]!}`))
  }

  for (let k = 0; k < nMeetings; k++) {
    const y = k % years
    const at = yearStart(y) + Math.floor(((Math.floor(k / years) + 0.5) * 290 * years * DAY) / nMeetings)
    add(at, (dev, now) => void addMeeting(dev.doc, { date: isoDate(at), notes: prose(rng, dev.lang, 200, 500), decisions: prose(rng, dev.lang, 60, 200) }, dev.author, now))
  }

  ops.sort((x, y) => x.at - y.at || x.seq - y.seq)
  let i = 0
  let session = 0
  while (i < ops.length) {
    // sessions alternate between the schools, so both write all through the years
    const dev = session === 0 ? devices[0]! : devices[(session % 2) * 5 + rng.int(0, 4)]!
    const size = session === 0 ? 1 : rng.int(10, 25)
    Y.applyUpdate(dev.doc, Y.encodeStateAsUpdate(hub, Y.encodeStateVector(dev.doc)), 'fixture:sync')
    dev.doc.clientID = newClientId() // a new page load
    for (const op of ops.slice(i, i + size)) {
      clock.ms = op.at
      op.run(dev, new Date(op.at))
    }
    i += size
    writeReceipt(dev.doc, { schoolId: dev.schoolId, deviceId: dev.author.deviceId })
    Y.applyUpdate(hub, Y.encodeStateAsUpdate(dev.doc, Y.encodeStateVector(hub)), 'fixture:sync')
    session++
  }
  for (const d of devices) d.doc.destroy()
  return hub
}

function seed4(rng: Rng): string {
  return rng.uint32().toString(36)
}
