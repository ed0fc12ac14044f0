// A hook that loads data from the phone and reloads it when sync or the outbox changes it.
import { useEffect, useState } from 'preact/hooks'
import { useLanguage } from '../i18n/hook'
import { onOutboxChange } from '../offline/outbox'
import { onDataChange } from '../offline/sync'

export function useLive<T>(load: () => Promise<T>, deps: unknown[] = []): T | undefined {
  const [value, setValue] = useState<T | undefined>(undefined)
  useLanguage()
  useEffect(() => {
    let alive = true
    const refresh = () => {
      load().then((v) => alive && setValue(v), () => undefined)
    }
    refresh()
    const offs = [onDataChange(refresh), onOutboxChange(refresh)]
    return () => {
      alive = false
      offs.forEach((f) => f())
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps)
  return value
}
