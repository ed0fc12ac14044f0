import { useState } from 'preact/hooks'
import { t, type MessageKey } from '../i18n'
import { allCollateral, libraryItems } from '../offline/content'
import { formatDay } from './format'
import { useLive } from './live'

/** Every collateral item on the phone, searchable offline by title and tag (without accents
 * or case, as Today's lead search); an expired item is no longer offered. */
export function Library() {
  const [query, setQuery] = useState('')
  const items = useLive(() => allCollateral(), [])
  const shown = items ? libraryItems(items, query) : []
  return (
    <main class="screen with-tabs">
      <header class="bar">
        <h1>{t('library.title')}</h1>
      </header>
      <label class="search">
        <span class="visually-hidden">{t('library.search')}</span>
        <input type="search" placeholder={t('library.searchHint')} value={query} onInput={(e) => setQuery((e.currentTarget as HTMLInputElement).value)} />
      </label>
      {items && shown.length === 0 && <p class="muted">{query ? t('library.none') : t('library.empty')}</p>}
      <ul class="collateral" data-testid="library">
        {shown.map((c) => (
          <li key={c.id}>
            <a class="coll-link" href={`/collateral/${c.id}?from=library`}>
              <span class="kind">{t(`collateralKind.${c.kind}` as MessageKey)}</span> {c.title}
              {(c.tags ?? []).length > 0 && (
                <span class="tags">
                  {(c.tags ?? []).map((tag) => (
                    <span key={tag} class="tag">
                      {tag}
                    </span>
                  ))}
                </span>
              )}
              {c.valid_until && <span class="muted small">{t('library.validUntil', { date: formatDay(`${c.valid_until}T00:00:00`) })}</span>}
            </a>
          </li>
        ))}
      </ul>
    </main>
  )
}
