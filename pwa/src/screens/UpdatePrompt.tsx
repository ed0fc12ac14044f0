import { useEffect, useState } from 'preact/hooks'
import { t } from '../i18n'
import { applyUpdate, dismissUpdate, onUpdateAvailable } from '../offline/worker-bridge'

/** A small bar at the bottom when a new version is ready. Nothing reloads until the user taps. */
export function UpdatePrompt() {
  const [available, setAvailable] = useState(false)
  useEffect(() => onUpdateAvailable(setAvailable), [])
  if (!available) return null
  return (
    <div class="update" role="status">
      <span>{t('update.available')}</span>
      <button type="button" class="primary" onClick={applyUpdate}>
        {t('update.reload')}
      </button>
      <button type="button" class="link" onClick={dismissUpdate}>
        {t('update.later')}
      </button>
    </div>
  )
}
