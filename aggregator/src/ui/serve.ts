/**
 * Serves the web page (issue 5 "The web page"): `GET /` is the page, `GET /ui/<file>` its scripts and
 * styles, read once from `static/` (plain files, no build step; `scripts/copy-assets.mjs` puts them
 * beside the compiled server). These routes are anonymous on purpose: they hold no data, and the page
 * must load before anyone can paste a token into it. Every data route it calls needs a token.
 */
import { readFileSync, readdirSync } from 'node:fs'
import { extname } from 'node:path'
import type { FastifyInstance } from 'fastify'

/** Folder of the page's files (beside this module in src/ and in dist/). */
export const UI_STATIC_DIR = new URL('./static/', import.meta.url)

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
}

/**
 * Same-origin only, no inline script or style: the token in sessionStorage is only as safe as the
 * page is from injected script. `img-src data:` is not needed (the chart is inline SVG built with DOM calls).
 */
export const UI_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

/** One file of the page, read once. */
export interface Asset {
  body: Buffer
  type: string
}

/** Reads the page's files (only known types, no subfolders: nothing else can be served). */
export function loadUiAssets(dir: URL = UI_STATIC_DIR): ReadonlyMap<string, Asset> {
  const assets = new Map<string, Asset>()
  for (const name of readdirSync(dir)) {
    const type = TYPES[extname(name)]
    if (type !== undefined) assets.set(name, { body: readFileSync(new URL(name, dir)), type })
  }
  return assets
}

/** A page served at `/`: the shell both pages share (`page.html`) with the page's own title, style sheets and script. */
export interface UiPage {
  /** The document title until the page draws its view. */
  readonly title: string
  /** The page's module script, a file in `static/`. */
  readonly script: string
  /** Style sheets in `static/` after `style.css`. */
  readonly styles?: readonly string[]
}

/** The hospital page (issue 5). */
export const HOSPITAL_PAGE: UiPage = Object.freeze({ title: 'RHN hospital twin', script: 'app.js' })

/** The region page (issue 7). */
export const REGION_PAGE: UiPage = Object.freeze({ title: 'RHN region twin', script: 'region.js', styles: Object.freeze(['region.css']) })

/** The shell's file, and the comment in its head where a page's own head goes. */
const SHELL = 'page.html'
const HEAD_SLOT = '<!-- page head -->'

/** The shell with `page`'s head; undefined without a shell. Titles and file names are this module's constants: no escaping. */
export function renderPage(assets: ReadonlyMap<string, Asset>, page: UiPage): Asset | undefined {
  const shell = assets.get(SHELL)
  if (shell === undefined) return undefined
  const head = [`<title>${page.title}</title>`, ...(page.styles ?? []).map((css) => `<link rel="stylesheet" href="/ui/${css}">`), `<script type="module" src="/ui/${page.script}"></script>`]
  return { type: shell.type, body: Buffer.from(shell.body.toString('utf8').replace(HEAD_SLOT, head.join('\n  '))) }
}

/** Registers `GET /` (`page`: {@link HOSPITAL_PAGE} or {@link REGION_PAGE}) and `GET /ui/:file`. */
export function registerUi(app: FastifyInstance, assets: ReadonlyMap<string, Asset> = loadUiAssets(), page: UiPage = HOSPITAL_PAGE): void {
  const headers = {
    'content-security-policy': UI_CSP,
    'x-content-type-options': 'nosniff',
    // The stream URL carries ?access_token=: never leak a URL to another site.
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-cache',
  }
  const serve = (name: string) => assets.get(name)
  const anonymous = { config: { access: { role: 'anonymous' as const } } }
  const index = renderPage(assets, page)
  app.get('/', anonymous, (_req, reply) => {
    if (index === undefined) return reply.code(404).send({ code: 'RHN_AGG_NOT_FOUND', message: 'the web page is not installed' })
    return reply.headers(headers).type(index.type).send(index.body)
  })
  app.get('/ui/:file', anonymous, (req, reply) => {
    const { file } = req.params as { file: string }
    const asset = serve(file)
    if (asset === undefined) return reply.code(404).send({ code: 'RHN_AGG_NOT_FOUND', message: `no file "${file}" in the web page` })
    return reply.headers(headers).type(asset.type).send(asset.body)
  })
}
