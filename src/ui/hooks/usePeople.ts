/** The people on this device and the one using it now, live from the registry. */
import { useLiveQuery } from 'dexie-react-hooks'
import { listPeople, personUsingDevice, type PersonRow } from '../../storage'

export function usePeople(): PersonRow[] | undefined {
  return useLiveQuery(listPeople, [])
}

export interface CurrentPerson {
  /** True until the registry has answered. */
  readonly isLoading: boolean
  /** The person using the device now; undefined when nobody was chosen yet. */
  readonly person: PersonRow | undefined
}

const LOADING: CurrentPerson = { isLoading: true, person: undefined }

export function useCurrentPerson(): CurrentPerson {
  return useLiveQuery(async (): Promise<CurrentPerson> => ({ isLoading: false, person: await personUsingDevice() }), [], LOADING)
}
