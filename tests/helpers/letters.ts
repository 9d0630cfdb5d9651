/** A letter draft as the draft screen keeps it, for storage tests; override what a test is about. */
import type { LetterDraft } from '../../src/domain'

export function letterDraft(overrides: Partial<LetterDraft> = {}): LetterDraft {
  return {
    kind: 'class',
    fromSchoolId: 'a',
    fromWho: '',
    toSchoolId: 'b',
    toWho: '',
    language: 'fr',
    subject: 'Bonjour',
    body: '',
    activityId: '',
    replyTo: '',
    photos: [],
    nextStep: { who: '', what: '', toWhom: '', dueDate: '' },
    ...overrides,
  }
}
