import { useEffect, useState } from 'preact/hooks'
import { api } from '../api/client'
import { t } from '../i18n'
import { errorText } from '../i18n/errors'
import { useBusy } from './busy'
import { formatDateTime } from './format'
import { shareText, type Shared } from './share'

interface FeedState {
  active: boolean
  last_read_at?: string | null
}

/** Settings → Visit calendar: a private feed URL of the rep's planned visits for their calendar
 * app. The server keeps only the URL's hash, so the URL is shown once, right after it is made. */
export function SettingsCalendar() {
  const [state, setState] = useState<FeedState | null>(null)
  const [url, setUrl] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, run] = useBusy()
  const [shared, setShared] = useState<Shared>(null)

  useEffect(() => {
    api.get('/api/v1/calendar/feed').then(setState, (e: unknown) => setError(errorText(e)))
  }, [])

  const act = (step: () => Promise<void>) =>
    run(async () => {
      setError(null)
      setShared(null)
      try {
        await step()
      } catch (e) {
        setError(errorText(e))
      }
    })

  const newLink = () =>
    act(async () => {
      if (state?.active && !confirm(t('calendar.replaceConfirm'))) return
      const link = await api.post('/api/v1/calendar/feed', undefined)
      setUrl(link.url)
      setState({ active: true, last_read_at: null })
    })
  const turnOff = () =>
    act(async () => {
      await api.delete('/api/v1/calendar/feed', undefined)
      setUrl(null)
      setState({ active: false })
    })

  return (
    <section class="card" aria-labelledby="calendar-h" data-testid="calendar" data-active={state?.active ? 'yes' : 'no'}>
      <h2 id="calendar-h">{t('calendar.title')}</h2>
      <p>{t('calendar.explain')}</p>
      {state?.active && !url && (
        <p class="muted" role="status">
          {state.last_read_at ? t('calendar.lastRead', { when: formatDateTime(state.last_read_at) }) : t('calendar.notRead')}
        </p>
      )}
      {url && (
        <>
          <label class="field">
            <span>{t('calendar.link')}</span>
            <input readOnly value={url} data-testid="calendar-url" onFocus={(e) => e.currentTarget.select()} />
          </label>
          <p class="muted">{t('calendar.private')}</p>
          <button type="button" class="secondary" onClick={() => void shareText(t('calendar.title'), url).then(setShared)}>
            {t('calendar.copy')}
          </button>
          {shared === 'copied' && <p role="status">{t('calendar.copied')}</p>}
        </>
      )}
      {error && <p class="muted">{t('calendar.failed', { detail: error })}</p>}
      {state && (
        <button type="button" class="secondary" disabled={busy} onClick={() => void newLink()}>
          {state.active ? t('calendar.newLink') : t('calendar.turnOn')}
        </button>
      )}
      {state?.active && (
        <button type="button" class="link" disabled={busy} onClick={() => void turnOff()}>
          {t('calendar.turnOff')}
        </button>
      )}
    </section>
  )
}
