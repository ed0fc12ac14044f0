// Entry of the rep app (served at /).
import { render } from 'preact'
import { App } from './app'
import { initLanguage } from './i18n'
import { startWorker } from './offline/worker-bridge'
import { startRouter } from './router'
import './styles.css'

initLanguage()
startRouter()
render(<App />, document.getElementById('app')!)
void startWorker()
