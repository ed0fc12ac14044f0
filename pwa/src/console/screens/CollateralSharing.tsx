// Whether customers may download an item from a link a rep shared (else they only view it).
import { useState } from 'preact/hooks'
import { consoleApi, errorText, type Collateral } from '../api'
import { ct } from '../i18n'

export function ShareDownloadToggle({ item }: { item: Collateral }) {
  const [allowed, setAllowed] = useState(item.shareable_download)
  const [error, setError] = useState<string | null>(null)
  if (!item.file_url) return null

  async function change(next: boolean) {
    setAllowed(next)
    setError(null)
    try {
      await consoleApi.updateCollateral(item.id, { shareable_download: next })
    } catch (e) {
      setAllowed(!next)
      setError(errorText(e))
    }
  }

  return (
    <div>
      <label class="share-download muted">
        <input type="checkbox" checked={allowed} onChange={(e) => void change((e.target as HTMLInputElement).checked)} /> {ct('collateral.shareDownload')}
        {error && <span role="alert"> {error}</span>}
      </label>
    </div>
  )
}
