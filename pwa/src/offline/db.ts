// The phone's IndexedDB: a typed schema and numbered, additive upgrade steps
// (client-side migrations, like Alembic). Never edit a shipped step; add one.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb'

export const DB_NAME = 'strang'

export interface StrangDB extends DBSchema {
  /** Small key/value facts about this device (e.g. the sync cursor). */
  meta: { key: string; value: unknown }
}

type Step = (db: IDBPDatabase<StrangDB>) => void

/** Step N upgrades the database from version N-1 to N. */
const steps: Step[] = [
  (db) => {
    db.createObjectStore('meta')
  },
]

export const DB_VERSION = steps.length

export function openStrangDB(name: string = DB_NAME): Promise<IDBPDatabase<StrangDB>> {
  return openDB<StrangDB>(name, DB_VERSION, {
    upgrade(db, oldVersion) {
      for (let v = oldVersion; v < steps.length; v++) steps[v]!(db)
    },
  })
}
