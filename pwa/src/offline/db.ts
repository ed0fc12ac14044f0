// The phone's IndexedDB: a typed schema and numbered, additive upgrade steps
// (client-side migrations, like Alembic). Never edit a shipped step; add one.
import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb'
import type { CampaignSync, CollateralSync, LeadSync, Mutation, OutcomeCodeSync, SignalSync } from './types'

export const DB_NAME = 'strang'

/** One mutation waiting for the server. The outbox is the only truth for unsent taps. */
export interface OutboxEntry {
  id: string
  /** Whose tap it is: sent only while this same user is logged in. */
  userId: string
  /** Per-device sequence number (the server spots gaps with it). */
  seq: number
  mutation: Mutation
  /** queued: never tried; sent: pushed, answer not seen yet; rejected: the server said no. */
  status: 'queued' | 'sent' | 'rejected'
  reason?: string
  createdAt: string
}

/** What the rep logged on this phone, kept after sync for "logged today" and the day summary. */
export interface LocalOutcome {
  id: string
  userId: string
  leadId: string
  code: string
  occurredAt: string
  retracted: boolean
  /** Detail chips and note as last set on this phone (for the day report once the outbox entry
   * is gone). Absent on records made before the report read them. */
  details?: string[]
  note?: string
}

/** Seconds and pages of one collateral item shown for one lead. */
export interface CollateralView {
  id?: number
  userId: string
  leadId: string
  collateralId: string
  seconds: number
  pages: number[]
  at: string
}

/**
 * The unsent taps of a user who left the phone (log-out, revoked session), kept until that same
 * user logs in again: the outbox entries as gzip bytes under the user id only, so nothing of
 * them is readable or shown meanwhile (opaque, not encrypted).
 */
export interface HeldTaps {
  userId: string
  sealed: ArrayBuffer
}

/** A row held when a `reset: true` snapshot began that the snapshot has not sent again yet. */
export interface StaleMark {
  store: StoreName
  id: string
}

export interface SyncState {
  userId: string
  cursor: string | null
  lastPullAt: string | null
  lastPushAt: string | null
  lastError: string | null
}

export interface StrangDB extends DBSchema {
  /** Small key/value facts about this device (device id, sequence counter). */
  meta: { key: string; value: unknown }
  campaigns: { key: string; value: CampaignSync }
  collateral: { key: string; value: CollateralSync }
  leads: { key: string; value: LeadSync }
  outcome_codes: { key: string; value: OutcomeCodeSync }
  signals: { key: string; value: SignalSync }
  sync: { key: string; value: SyncState }
  outbox: { key: string; value: OutboxEntry; indexes: { userId: string; seq: number } }
  outcomes: { key: string; value: LocalOutcome; indexes: { userId: string; leadId: string } }
  views: { key: number; value: CollateralView; indexes: { leadId: string } }
  /** Notes and signals being typed, by a key such as `note:<leadId>`. */
  drafts: { key: string; value: { key: string; userId: string; text: string; updatedAt: string } }
  held: { key: string; value: HeldTaps }
  /** Rows a snapshot under way has not sent again (see sync.ts): they go when it is complete. */
  stale: { key: [StoreName, string]; value: StaleMark }
}

/** Facts of the device, not of its user: they stay when the user leaves. */
export const DEVICE_KEYS = ['device.id', 'device.seq']

export type StoreName = 'campaigns' | 'collateral' | 'leads' | 'outcome_codes' | 'signals'
/** Stores filled by the pull, wiped on reset and on logout. */
export const SYNCED_STORES: StoreName[] = ['campaigns', 'collateral', 'leads', 'outcome_codes', 'signals']

type Upgrade = IDBPTransaction<StrangDB, StoreNames<StrangDB>[], 'versionchange'>
type Step = (db: IDBPDatabase<StrangDB>, tx: Upgrade) => void

/** Step N upgrades the database from version N-1 to N. */
const steps: Step[] = [
  (db) => {
    db.createObjectStore('meta')
  },
  (db) => {
    db.createObjectStore('campaigns', { keyPath: 'id' })
    db.createObjectStore('collateral', { keyPath: 'id' })
    db.createObjectStore('leads', { keyPath: 'id' })
    db.createObjectStore('outcome_codes', { keyPath: 'code' })
    db.createObjectStore('signals', { keyPath: 'id' })
    db.createObjectStore('sync', { keyPath: 'userId' })
    const outbox = db.createObjectStore('outbox', { keyPath: 'id' })
    outbox.createIndex('userId', 'userId')
    outbox.createIndex('seq', 'seq')
    const outcomes = db.createObjectStore('outcomes', { keyPath: 'id' })
    outcomes.createIndex('userId', 'userId')
    outcomes.createIndex('leadId', 'leadId')
    const views = db.createObjectStore('views', { keyPath: 'id', autoIncrement: true })
    views.createIndex('leadId', 'leadId')
    db.createObjectStore('drafts', { keyPath: 'key' })
  },
  (_db, tx) => {
    // Signals pulled before the server sent the tap's time: their arrival is the best known.
    void tx
      .objectStore('signals')
      .openCursor()
      .then(async function fill(cursor): Promise<void> {
        if (!cursor) return
        const stored = cursor.value as Omit<SignalSync, 'occurred_at'> & { occurred_at?: string }
        if (!stored.occurred_at) await cursor.update({ ...stored, occurred_at: stored.created_at })
        return fill(await cursor.continue())
      })
  },
  (db) => {
    db.createObjectStore('held', { keyPath: 'userId' })
  },
  (db) => {
    db.createObjectStore('stale', { keyPath: ['store', 'id'] })
  },
]

export const DB_VERSION = steps.length

/** Opens (and upgrades) the database; tests name an earlier `version` to hold data as it was then. */
export function openStrangDB(name: string = DB_NAME, version: number = DB_VERSION): Promise<IDBPDatabase<StrangDB>> {
  return openDB<StrangDB>(name, version, {
    upgrade(db, oldVersion, _newVersion, tx) {
      for (let v = oldVersion; v < version; v++) steps[v]!(db, tx)
    },
  })
}

let shared: Promise<IDBPDatabase<StrangDB>> | null = null
/** The app's one connection (opened on first use). */
export function db(): Promise<IDBPDatabase<StrangDB>> {
  shared ??= openStrangDB()
  return shared
}
/** Tests swap in their own database. */
export function useDatabase(p: Promise<IDBPDatabase<StrangDB>>): void {
  shared = p
}
