import { useEffect, useState } from 'preact/hooks'
import { getLanguage, onLanguageChange, type Lang } from '.'

/** Re-renders the calling component when the language changes. */
export function useLanguage(): Lang {
  const [lang, setLang] = useState(getLanguage())
  useEffect(() => onLanguageChange(setLang), [])
  return lang
}
