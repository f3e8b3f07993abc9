/** The aggregator's web page: static files and the routes that serve them. */
export { HOSPITAL_PAGE, REGION_PAGE, UI_CSP, UI_STATIC_DIR, loadUiAssets, registerUi, renderPage, type Asset, type UiPage } from './serve.js'
