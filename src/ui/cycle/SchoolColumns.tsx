/**
 * The two schools side by side (one after the other on a phone), each a section named by the
 * school: the people of Contacts, the members of the working group.
 */
import type { ReactNode } from 'react'
import type { School } from '../../domain'
import { usePartnership } from '../hooks/usePartnership'

/** `idPrefix`: each school's heading is `<idPrefix>-<schoolId>`. */
export function SchoolColumns({ idPrefix, children }: { readonly idPrefix: string; readonly children: (school: School) => ReactNode }) {
  const { meta } = usePartnership()
  return (
    <div className="school-columns">
      {[meta.schoolA, meta.schoolB].map((school) => (
        <section key={school.id} className="school-people" aria-labelledby={`${idPrefix}-${school.id}`}>
          <h4 id={`${idPrefix}-${school.id}`}>{school.name}</h4>
          {children(school)}
        </section>
      ))}
    </div>
  )
}
