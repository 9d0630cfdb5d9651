import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import ICAL from 'ical.js'
import {
  EMPTY_ACTIVITY,
  addMeeting,
  addNextStep,
  addPartnerInput,
  addPerson,
  answerReflection,
  buildIcs,
  computeThisWeek,
  contactDays,
  createActivity,
  foldIcsLine,
  isOverdue,
  listFeedback,
  listMeetings,
  listNextSteps,
  listPartnerInput,
  listPeople,
  nextContactDay,
  planFeedbackMoment,
  readAgreements,
  schoolYearOf,
  setNextStepDone,
  setPartnerInputReceived,
  startReflection,
  updateActivity,
  updateAgreements,
  updateMeeting,
} from '../../src/domain'
import { newPartnership, sync } from '../helpers/devices'

const partnership = (): Y.Doc => newPartnership({ schoolAId: 'gent', schoolBId: 'huye', author: 'An' })

describe('contact rhythm', () => {
  it('finds the first Tuesday of each month', () => {
    const rhythm = { kind: 'monthly', nth: 1, weekday: 1 } as const
    expect(contactDays(rhythm, '2026-11-23', 3)).toEqual(['2026-12-01', '2027-01-05', '2027-02-02'])
    expect(nextContactDay(rhythm, '2026-12-01')).toBe('2026-12-01')
    expect(nextContactDay(rhythm, '2026-12-02')).toBe('2027-01-05')
  })

  it('finds the last Friday of the month', () => {
    expect(contactDays({ kind: 'monthly', nth: -1, weekday: 4 }, '2026-11-01', 2)).toEqual(['2026-11-27', '2026-12-25'])
  })

  it('counts every two weeks from the agreed first day', () => {
    const rhythm = { kind: 'weekly', everyWeeks: 2, anchor: '2026-09-08' } as const
    expect(contactDays(rhythm, '2026-09-01', 2)).toEqual(['2026-09-08', '2026-09-22'])
    expect(nextContactDay(rhythm, '2026-11-23')).toBe('2026-12-01')
    expect(nextContactDay(null, '2026-11-23')).toBeNull()
  })

  it('stores the agreements and refuses a rhythm that makes no sense', () => {
    const doc = partnership()
    updateAgreements(doc, { rhythm: { kind: 'monthly', nth: 1, weekday: 1 }, channels: ['whatsapp', 'email'], whoWithWhom: 'Class 5 writes to P5' }, 'An')
    expect(readAgreements(doc)).toMatchObject({ channels: ['whatsapp', 'email'], whoWithWhom: 'Class 5 writes to P5' })
    expect(() => updateAgreements(doc, { rhythm: { kind: 'weekly', everyWeeks: 0, anchor: '2026-01-01' } }, 'An')).toThrow()
  })
})

describe('people and the working group', () => {
  it('keeps a contact person on each side and others following along', () => {
    const doc = partnership()
    addPerson(doc, { schoolId: 'huye', name: 'Jean Habimana', role: 'head', phone: '+250 788 000 000', email: '', isContactPerson: true, isFollowing: false, isWorkingGroupMember: true }, 'An')
    addPerson(doc, { schoolId: 'huye', name: 'Alice Uwase', role: 'teacher P5', phone: '', email: 'alice@example.rw', isContactPerson: false, isFollowing: true, isWorkingGroupMember: false }, 'An')
    expect(listPeople(doc, { schoolId: 'huye' }).map((p) => [p.name, p.isContactPerson])).toEqual([['Jean Habimana', true], ['Alice Uwase', false]])
    expect(() => addPerson(doc, { schoolId: 'elsewhere', name: 'X', role: '', phone: '', email: '', isContactPerson: false, isFollowing: false, isWorkingGroupMember: false }, 'An')).toThrow()
  })

  it('records meetings with notes and decisions that both schools can edit', () => {
    const a = partnership()
    const b = new Y.Doc()
    sync(a, b)
    const id = addMeeting(a, { date: '2026-11-02', notes: 'Talked about letters.', decisions: 'Start in December.' }, 'An')
    sync(a, b)
    updateMeeting(a, id, { notes: 'Talked about letters and photos.' }, 'An')
    updateMeeting(b, id, { decisions: 'Start in December. Each class sends 20 letters.' }, 'Jean')
    sync(a, b)
    expect(listMeetings(b)[0]).toMatchObject({ notes: 'Talked about letters and photos.', decisions: 'Start in December. Each class sends 20 letters.' })
    const step = addNextStep(a, { who: 'Ms Peeters', what: 'Send the class photos', toWhom: 'GS Huye P5', dueDate: '2026-11-30', sourceId: id }, 'An')
    expect(listNextSteps(a, { sourceId: id }).map((s) => s.id)).toEqual([step])
  })
})

describe('partner input and next steps', () => {
  it('marks a request overdue on both sides until it is received', () => {
    const a = partnership()
    const b = new Y.Doc()
    const activity = createActivity(a, { ...EMPTY_ACTIVITY, title: 'Letters', kind: 'with-partner' }, 'An')
    const id = addPartnerInput(a, { activityId: activity, kind: 'answer-letters', description: '', fromSchoolId: 'huye', dueDate: '2026-11-20' }, 'An')
    sync(a, b)
    const [r] = listPartnerInput(b, { activityId: activity })
    expect(isOverdue(r!, '2026-11-20')).toBe(false)
    expect(isOverdue(r!, '2026-11-21')).toBe(true)
    expect(computeThisWeek(a, '2026-11-23')!.overdueInput.map((x) => x.id)).toEqual([id])
    expect(computeThisWeek(b, '2026-11-23')!.overdueInput.map((x) => x.id)).toEqual([id])
    setPartnerInputReceived(b, id, true, 'Jean')
    sync(a, b)
    expect(computeThisWeek(a, '2026-11-23')!.overdueInput).toEqual([])
  })

  it('refuses a request without a known school or activity', () => {
    const a = partnership()
    expect(() => addPartnerInput(a, { activityId: 'nope', kind: 'photos', description: '', fromSchoolId: 'huye', dueDate: '' }, 'An')).toThrow()
  })

  it('ticks next steps off and keeps open ones first', () => {
    const doc = partnership()
    const first = addNextStep(doc, { who: 'An', what: 'Write the first letter', toWhom: 'Jean', dueDate: '2026-11-10', sourceId: '' }, 'An')
    const second = addNextStep(doc, { who: 'Jean', what: 'Answer', toWhom: 'An', dueDate: '2026-12-10', sourceId: '' }, 'An')
    setNextStepDone(doc, first, true, 'An')
    expect(listNextSteps(doc).map((s) => [s.id, s.isDone])).toEqual([[second, false], [first, true]])
    expect(listNextSteps(doc, { isOpen: true }).map((s) => s.id)).toEqual([second])
  })
})

describe('reflections', () => {
  it('keeps each school’s answers apart when both answer offline, and shows them side by side', () => {
    const north = partnership()
    const activity = createActivity(north, { ...EMPTY_ACTIVITY, title: 'Letters' }, 'An')
    const id = startReflection(north, { activityId: activity, date: '2026-12-01' }, 'An')
    const south = new Y.Doc()
    sync(north, south)
    answerReflection(north, id, 'gent', { wentWell: 'Pupils loved the drawings.', change: 'Start earlier.' }, 'An')
    answerReflection(south, id, 'huye', { difficult: 'The post took six weeks.', learned: 'Photos by WhatsApp are faster.' }, 'Jean')
    sync(north, south)
    for (const d of [north, south]) {
      const [r] = listFeedback(d).reflections
      expect(r!.answers).toEqual({
        gent: { wentWell: 'Pupils loved the drawings.', difficult: '', learned: '', change: 'Start earlier.' },
        huye: { wentWell: '', difficult: 'The post took six weeks.', learned: 'Photos by WhatsApp are faster.', change: '' },
      })
    }
  })
})

describe('this week', () => {
  it('gathers upcoming activities, the next contact day, feedback due and open steps', () => {
    const doc = partnership()
    const going = createActivity(doc, { ...EMPTY_ACTIVITY, title: 'Going on', startDate: '2026-11-01', endDate: '2026-12-15', status: 'in-progress' }, 'An')
    createActivity(doc, { ...EMPTY_ACTIVITY, title: 'Later', startDate: '2027-02-01' }, 'An')
    const finished = createActivity(doc, { ...EMPTY_ACTIVITY, title: 'Finished', startDate: '2026-10-01', status: 'planned' }, 'An')
    updateActivity(doc, finished, { status: 'done' }, 'An')
    updateAgreements(doc, { rhythm: { kind: 'monthly', nth: 1, weekday: 1 } }, 'An')
    const moment = planFeedbackMoment(doc, { title: 'Autumn feedback', date: '2026-11-25' }, 'An')
    const week = computeThisWeek(doc, '2026-11-23')!
    expect(week.activities.map((a) => a.id)).toEqual([going])
    expect(week.nextContactDay).toBe('2026-12-01')
    expect(week.feedbackMoments.map((m) => m.id)).toEqual([moment])
    expect(week.reflectionsDue.map((a) => a.id)).toEqual([finished])
    startReflection(doc, { activityId: finished, date: '2026-11-23' }, 'An')
    expect(computeThisWeek(doc, '2026-11-23')!.reflectionsDue).toEqual([])
  })

  it('says which school year a date is in, for any starting month', () => {
    expect(schoolYearOf('2026-09-01', 9)).toBe('2026–2027')
    expect(schoolYearOf('2027-06-30', 9)).toBe('2026–2027')
    expect(schoolYearOf('2026-02-15', 2)).toBe('2026–2027') // Peru, Rwanda-like years
    expect(schoolYearOf('2026-01-31', 2)).toBe('2025–2026')
    expect(schoolYearOf('2026-05-01', 1)).toBe('2026')
  })
})

describe('.ics export', () => {
  it('parses with a real iCalendar parser and holds activities, contact days and feedback moments', () => {
    const doc = partnership()
    createActivity(doc, { ...EMPTY_ACTIVITY, title: 'Letter exchange; class 5, P5', description: 'Line one\nLine two', startDate: '2026-10-05', endDate: '2026-10-30' }, 'An')
    createActivity(doc, { ...EMPTY_ACTIVITY, title: 'Undated idea' }, 'An')
    updateAgreements(doc, { rhythm: { kind: 'monthly', nth: 1, weekday: 1 } }, 'An')
    planFeedbackMoment(doc, { title: 'Autumn', date: '2026-11-25' }, 'An')
    const text = buildIcs(doc, { from: '2026-09-01', to: '2026-12-31', labels: { contactDay: 'Contact day', feedbackMoment: 'Feedback moment' }, now: new Date('2026-11-23T10:00:00Z') })
    expect(text.split('\r\n').every((line) => new TextEncoder().encode(line).length <= 75)).toBe(true)
    const cal = new ICAL.Component(ICAL.parse(text))
    const events = cal.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v))
    const activity = events.find((e) => e.summary.startsWith('Letter exchange'))!
    expect(activity.summary).toBe('Letter exchange; class 5, P5')
    expect(activity.description).toBe('Line one\nLine two')
    expect(activity.startDate.toString()).toBe('2026-10-05')
    expect(activity.endDate.toString()).toBe('2026-10-31')
    expect(events.filter((e) => e.summary === 'Contact day').map((e) => e.startDate.toString())).toEqual(['2026-09-01', '2026-10-06', '2026-11-03', '2026-12-01'])
    expect(events.find((e) => e.summary === 'Feedback moment: Autumn')?.startDate.toString()).toBe('2026-11-25')
    expect(events.some((e) => e.summary === 'Undated idea')).toBe(false)
    expect(new Set(events.map((e) => e.uid)).size).toBe(events.length)
  })

  it('folds long lines without splitting a character', () => {
    const line = 'SUMMARY:' + 'é'.repeat(80)
    const folded = foldIcsLine(line)
    for (const part of folded.split('\r\n')) expect(new TextEncoder().encode(part).length).toBeLessThanOrEqual(75)
    expect(folded.replace(/\r\n /g, '')).toBe(line)
  })
})

describe('school year setting', () => {
  it('defaults to September and accepts any month', async () => {
    const { readSchoolYearStartMonth, setSchoolYearStartMonth } = await import('../../src/domain')
    const doc = partnership()
    expect(readSchoolYearStartMonth(doc)).toBe(9)
    setSchoolYearStartMonth(doc, 2)
    expect(readSchoolYearStartMonth(doc)).toBe(2)
    expect(() => setSchoolYearStartMonth(doc, 13)).toThrow()
  })
})

describe('merging what two schools start at the same time', () => {
  it('makes one reflection when both schools start it on the same activity offline, keeping both answers', async () => {
    const { listFeedback: list, startReflection: start, answerReflection: answer } = await import('../../src/domain')
    const north = partnership()
    const activity = createActivity(north, { ...EMPTY_ACTIVITY, title: 'Letters' }, 'An')
    const south = new Y.Doc()
    sync(north, south)
    const a = start(north, { activityId: activity, date: '2026-12-01' }, 'An')
    const b = start(south, { activityId: activity, date: '2026-12-02' }, 'Jean')
    expect(a).toBe(b)
    answer(north, a, 'gent', { wentWell: 'Drawings' }, 'An')
    answer(south, b, 'huye', { learned: 'WhatsApp is faster' }, 'Jean')
    sync(north, south)
    for (const d of [north, south]) {
      const { reflections } = list(d)
      expect(reflections).toHaveLength(1)
      expect(reflections[0]!.answers.gent!.wentWell).toBe('Drawings')
      expect(reflections[0]!.answers.huye!.learned).toBe('WhatsApp is faster')
    }
    expect(start(north, { activityId: activity, date: '2026-12-03' }, 'An')).toBe(a)
  })

  it('keeps channels ticked by each school offline', () => {
    const north = partnership()
    const south = new Y.Doc()
    sync(north, south)
    updateAgreements(north, { channels: ['email'] }, 'An')
    updateAgreements(south, { channels: ['whatsapp'] }, 'Jean')
    sync(north, south)
    expect([...readAgreements(north).channels].sort()).toEqual(['email', 'whatsapp'])
    updateAgreements(north, { channels: ['whatsapp'] }, 'An')
    expect(readAgreements(north).channels).toEqual(['whatsapp'])
  })
})
