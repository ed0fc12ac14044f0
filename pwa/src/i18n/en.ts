// English strings: the source of truth for keys. `{name}` marks a placeholder.
export const en = {
  'app.name': 'Strang',
  'app.loading': 'Loading…',
  'lang.label': 'Language',
  'lang.en': 'English',
  'lang.de': 'Deutsch',

  'login.title': 'Log in',
  'login.intro': 'Your briefs, collateral and outcomes — even offline.',
  'login.email': 'Email',
  'login.password': 'Password',
  'login.showPassword': 'Show password',
  'login.submit': 'Log in',
  'login.submitting': 'Logging in…',
  'login.wrongCredentials': 'Email or password is wrong.',
  'login.tooManyOne': 'Too many attempts, try again in 1 minute.',
  'login.tooManyOther': 'Too many attempts, try again in {n} minutes.',
  'login.invalid': 'Please check your input: {detail}',
  'login.offline': 'No connection to the server. Check your network and try again.',
  'login.failed': 'Login failed ({detail}). Please try again.',

  'today.title': 'Today',
  'today.greeting': 'Hello, {name}',
  'today.empty': 'Your visits for today will appear here.',
  'today.offline': 'Offline — showing what is on this phone.',

  'nav.today': 'Today',
  'nav.signals': 'Signals',
  'nav.summary': 'Summary',
  'nav.settings': 'Settings',

  'logout.button': 'Log out',
  'logout.failed': 'Could not log out: {detail}',

  'placeholder.soon': 'Coming soon.',
  'placeholder.back': 'Back to today',
  'lead.title': 'Lead',
  'collateral.title': 'Collateral',
  'signals.title': 'Signals',
  'summary.title': 'Day summary',
  'settings.title': 'Settings',
  'notFound.title': 'Page not found',

  'update.available': 'Update available',
  'update.reload': 'Reload',
  'update.later': 'Later',

  'console.title': 'Console',
  'console.soon': 'Console — coming soon.',
  'console.repHint': 'The console is for marketing and admins.',
  'console.openApp': 'Open the rep app',
} as const

export type MessageKey = keyof typeof en
