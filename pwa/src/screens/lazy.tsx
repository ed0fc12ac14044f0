import type { ComponentType } from 'preact'
import { useEffect, useState } from 'preact/hooks'

/** A screen whose code loads when first shown, so the first visit carries only Today. The service worker precaches every chunk, so it still opens offline. */
export function lazyScreen<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> & { preload: () => Promise<void> } {
  let Loaded: ComponentType<P> | null = null
  let pending: Promise<void> | null = null
  const preload = () =>
    (pending ??= load().then((screen) => {
      Loaded = screen
    }))
  function Lazy(props: P) {
    const [, setReady] = useState(!!Loaded)
    useEffect(() => {
      if (Loaded) return
      let live = true
      void preload().then(() => live && setReady(true))
      return () => {
        live = false
      }
    }, [])
    return Loaded ? <Loaded {...props} /> : <main class="screen" aria-busy="true" />
  }
  return Object.assign(Lazy, { preload })
}
