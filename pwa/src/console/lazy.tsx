// Console screens fetched only when first opened, so the console's first load stays small.
import type { ComponentType } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { errorText } from './api'
import { ct } from './i18n'

function useScreen(load: () => Promise<ComponentType>): { screen: ComponentType | null; error: string | null } {
  const [screen, setScreen] = useState<ComponentType | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    load().then(
      (found) => setScreen(() => found),
      (err) => setError(errorText(err)),
    )
  }, [])
  return { screen, error }
}

export function LazyShares() {
  const { screen: Screen, error } = useScreen(() => import('./screens/Shares').then((m) => m.Shares))
  if (error) return <p class="error" role="alert">{ct('common.error', { detail: error })}</p>
  if (!Screen) return <p class="muted" aria-busy="true">{ct('common.loading')}</p>
  return <Screen />
}
