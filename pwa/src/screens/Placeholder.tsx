import { t, type MessageKey } from '../i18n'

/** A screen that exists in the router but is not built yet. */
export function Placeholder({ title, detail }: { title: MessageKey; detail?: string }) {
  return (
    <main class="screen">
      <header class="bar">
        <h1>{t(title)}</h1>
      </header>
      {detail && <p class="muted">{detail}</p>}
      <p>{t('placeholder.soon')}</p>
      <a class="button secondary" href="/">
        {t('placeholder.back')}
      </a>
    </main>
  )
}
