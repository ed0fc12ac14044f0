import { LANGS, setLanguage, t } from '../i18n'
import { useLanguage } from '../i18n/hook'

export function LanguageSwitch() {
  const lang = useLanguage()
  return (
    <label class="lang">
      <span class="visually-hidden">{t('lang.label')}</span>
      <select value={lang} onChange={(e) => setLanguage((e.currentTarget as HTMLSelectElement).value as typeof lang)}>
        {LANGS.map((l) => (
          <option key={l} value={l} lang={l}>
            {t(`lang.${l}`)}
          </option>
        ))}
      </select>
    </label>
  )
}
