// German strings. The type makes a missing key a compile error.
import type { MessageKey } from './en'

export const de: Record<MessageKey, string> = {
  'app.name': 'Strang',
  'app.loading': 'Wird geladen …',
  'lang.label': 'Sprache',
  'lang.en': 'English',
  'lang.de': 'Deutsch',

  'login.title': 'Anmelden',
  'login.intro': 'Deine Briefings, Unterlagen und Ergebnisse – auch offline.',
  'login.email': 'E-Mail',
  'login.password': 'Passwort',
  'login.showPassword': 'Passwort anzeigen',
  'login.submit': 'Anmelden',
  'login.submitting': 'Anmeldung läuft …',
  'login.wrongCredentials': 'E-Mail oder Passwort ist falsch.',
  'login.tooManyOne': 'Zu viele Versuche, bitte in 1 Minute erneut versuchen.',
  'login.tooManyOther': 'Zu viele Versuche, bitte in {n} Minuten erneut versuchen.',
  'login.invalid': 'Bitte Eingaben prüfen: {detail}',
  'login.offline': 'Keine Verbindung zum Server. Bitte Netz prüfen und erneut versuchen.',
  'login.failed': 'Anmeldung fehlgeschlagen ({detail}). Bitte erneut versuchen.',

  'today.title': 'Heute',
  'today.greeting': 'Hallo, {name}',
  'today.empty': 'Hier erscheinen deine Besuche für heute.',
  'today.offline': 'Offline – angezeigt wird, was auf diesem Telefon ist.',

  'nav.today': 'Heute',
  'nav.signals': 'Signale',
  'nav.summary': 'Zusammenfassung',
  'nav.settings': 'Einstellungen',

  'logout.button': 'Abmelden',
  'logout.failed': 'Abmelden nicht möglich: {detail}',

  'placeholder.soon': 'Kommt bald.',
  'placeholder.back': 'Zurück zu heute',
  'lead.title': 'Lead',
  'collateral.title': 'Unterlage',
  'signals.title': 'Signale',
  'summary.title': 'Tageszusammenfassung',
  'settings.title': 'Einstellungen',
  'notFound.title': 'Seite nicht gefunden',

  'update.available': 'Update verfügbar',
  'update.reload': 'Neu laden',
  'update.later': 'Später',

  'console.title': 'Konsole',
  'console.soon': 'Konsole – kommt bald.',
  'console.repHint': 'Die Konsole ist für Marketing und Admins.',
  'console.openApp': 'Außendienst-App öffnen',
}
