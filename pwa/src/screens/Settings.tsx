import { useEffect, useState } from 'preact/hooks'
import { t } from '../i18n'
import { rejectedText } from '../i18n/errors'
import { outcomeCodes } from '../offline/content'
import { clearDevice, syncNow } from '../offline/device'
import { storageUsage } from '../offline/files'
import { dismissRejected, outboxOf } from '../offline/outbox'
import type { SessionUser } from '../offline/session'
import { onSyncStatus, type SyncStatus } from '../offline/sync'
import type { Mutation, OutcomeCodeSync } from '../offline/types'
import { failureMessage } from './data-age'
import { codeLabel, formatBytes, formatDateTime, kindLabel } from './format'
import { ChangePassword } from './ChangePassword'
import { LanguageSwitch } from './LanguageSwitch'
import { useLive } from './live'
import { LogoutButton } from './LogoutButton'
import { SettingsCalendar } from './SettingsCalendar'
import { SettingsNotifications } from './SettingsNotifications'

function describe(m: Mutation, codes: OutcomeCodeSync[]): string {
  if (m.type === 'outcome.log') return t('mutation.outcome', { code: codeLabel(m.code, codes) })
  if (m.type === 'outcome.retract') return t('mutation.retract')
  if (m.type === 'outcome.amend') return t('mutation.amend')
  if (m.type === 'lead.plan') return t('mutation.plan')
  if (m.type === 'share.create') return t('mutation.shareCreate')
  if (m.type === 'share.revoke') return t('mutation.shareRevoke')
  return t('mutation.signal', { kind: kindLabel(m.kind) })
}

export function Settings({ user, onLoggedOut }: { user: SessionUser; onLoggedOut: () => void }) {
  const outbox = useLive(() => outboxOf(user.id), [user.id])
  const storage = useLive(() => storageUsage(), [])
  const codes = useLive(() => outcomeCodes(), []) ?? []
  const [status, setStatus] = useState<SyncStatus | null>(null)
  useEffect(() => onSyncStatus(setStatus), [])
  const pending = outbox?.filter((e) => e.status !== 'rejected') ?? []
  const rejected = outbox?.filter((e) => e.status === 'rejected') ?? []

  return (
    <main class="screen with-tabs">
      <header class="bar">
        <h1>{t('settings.title')}</h1>
      </header>
      <section class="card">
        <h2>{t('settings.language')}</h2>
        <LanguageSwitch />
      </section>
      <section class="card" aria-labelledby="sync-h">
        <h2 id="sync-h">{t('settings.sync')}</h2>
        <p data-testid="last-sync">{t('settings.lastSync', { when: status?.lastPullAt ? formatDateTime(status.lastPullAt) : t('settings.never') })}</p>
        {status?.failure && (
          <p class="muted" data-testid="sync-failure">
            {t('settings.syncError', { detail: failureMessage(status.failure) })}
          </p>
        )}
        <p data-testid="settings-pending">{t('settings.pending', { n: pending.length })}</p>
        <button type="button" class="secondary" disabled={status?.running} onClick={() => void syncNow()}>
          {t('settings.syncNow')}
        </button>
        {rejected.length > 0 && (
          <>
            <h3>{t('settings.rejected')}</h3>
            <ul class="rejected" data-testid="rejected">
              {rejected.map((e) => (
                <li key={e.id}>
                  <strong>{describe(e.mutation, codes)}</strong>
                  <p class="error">{rejectedText(e.reason)}</p>
                  <button type="button" class="link" onClick={() => void dismissRejected(e.id)}>
                    {t('settings.dismiss')}
                  </button>
                </li>
              ))}
            </ul>
          </>
        )}
      </section>
      <SettingsNotifications user={user} />
      {user.role === 'rep' && <SettingsCalendar />}
      <section class="card">
        <h2>{t('settings.storage')}</h2>
        {storage && (
          <p>
            {t('settings.storageValue', { used: formatBytes(storage.usage), quota: formatBytes(storage.quota) })}
            {storage.persisted && <span class="muted"> · {t('settings.persisted')}</span>}
          </p>
        )}
      </section>
      <ChangePassword />
      <section class="card">
        <p>{t('settings.account', { name: user.name })}</p>
        <LogoutButton
          onLoggedOut={() => {
            void clearDevice().then(onLoggedOut)
          }}
        />
      </section>
    </main>
  )
}
