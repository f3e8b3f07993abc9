/** The aggregator's web page: static files and the routes that serve them. */
export { UI_CSP, UI_STATIC_DIR, loadUiAssets, registerUi } from './serve.js'
