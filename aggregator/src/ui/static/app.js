// RHN hospital twin page: login (bearer token kept in sessionStorage), hash routing between the
// hospital tree, asset pages, alarms and capacity, and one live EventSource on /api/stream.
import { assetView } from './asset.js'
import { h } from './dom.js'
import { alarmTable, capacityView, flowsPanel, nodeView } from './views.js'

const TOKEN_KEY = 'rhn.token'
const $ = (id) => document.getElementById(id)

const state = { token: null, principal: null, tree: null, source: null, current: null, refreshTimer: null }

/** Calls the API with the bearer token; a 401 signs out. Throws with the server's message. */
async function api(path, init = {}) {
  const res = await fetch(path, { ...init, headers: { ...(init.headers ?? {}), authorization: `Bearer ${state.token}` } })
  if (res.status === 401) {
    signOut('Your token is not valid (any more). Sign in again.')
    throw new Error('unauthorized')
  }
  const body = await res.json().catch(() => ({}))
  if (!res.ok) throw new Error(body.message ?? `${res.status} ${res.statusText}`)
  return body
}

const canAck = () => state.principal !== null && (state.principal.role === 'engineer' || state.principal.role === 'admin')

function say(text, isError = false) {
  const el = $('status')
  el.textContent = text
  el.className = isError ? 'status error' : 'status'
}

function onError(err) {
  if (err?.message !== 'unauthorized') say(`Error: ${err?.message ?? err}`, true)
}

async function acknowledge(alarm) {
  try {
    const acked = await api(`/api/alarms/${encodeURIComponent(alarm.id)}/ack`, { method: 'POST' })
    say(`Alarm acknowledged by ${acked.acknowledgedBy}: ${acked.message} (${acked.asset}).`)
    await render()
  } catch (err) {
    onError(err)
  }
}

/** Posts a request/offer/decision; says whether the ledger node took it or it waits in the queue. */
async function submitFlow(path, body) {
  try {
    const r = await api(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    say(r.submission.state === 'queued' ? 'Queued: the ledger node is not reachable; it is sent as soon as it is.' : 'Sent to the ledger; waiting for confirmation.')
    await render()
  } catch (err) {
    onError(err)
  }
}

async function refreshAlarmCount() {
  const active = await api('/api/alarms?state=active')
  const badge = $('alarm-count')
  badge.textContent = String(active.length)
  badge.classList.toggle('zero', active.length === 0)
}

/** Renders the view the location hash names. */
async function render() {
  const hash = decodeURIComponent(location.hash.replace(/^#\/?/, ''))
  const [kind, ...rest] = hash.split('/')
  const id = rest.join('/')
  const view = $('view')
  state.tree = await api('/api/twin')
  $('hospital-name').textContent = state.tree.name
  void refreshAlarmCount().catch(onError)
  state.current = null
  if (kind === 'asset' && id) {
    const [asset, alarms] = await Promise.all([api(`/api/assets/${encodeURIComponent(id)}`), api(`/api/alarms?asset=${encodeURIComponent(id)}`)])
    const page = assetView(asset, alarms, { tree: state.tree, api, canAck: canAck(), onAck: acknowledge, onError })
    state.current = { kind, id, onEvent: page.onEvent }
    view.replaceChildren(page.el)
  } else if (kind === 'alarms') {
    const alarms = await api('/api/alarms')
    const note = canAck() ? '' : h('p', { class: 'hint' }, 'Your role may view alarms; acknowledging needs an engineer or admin token.')
    view.replaceChildren(h('div', {}, h('h1', {}, 'Alarms'), note, alarmTable(alarms, canAck(), acknowledge)))
    state.current = { kind, onEvent: (e) => { if (e.type === 'alarm') scheduleRefresh() } }
  } else if (kind === 'capacity') {
    view.replaceChildren(capacityView(state.tree))
    state.current = { kind, onEvent: scheduleRefresh }
  } else {
    const nodeId = kind === 'node' && id ? id : state.tree.id
    const esc = await api('/api/escalation').catch(() => undefined)
    const page = nodeView(state.tree, nodeId, esc)
    if (nodeId === state.tree.id) {
      // The hospital page also lists requests and transfers (503 without a ledger link: say so).
      const flows = await api('/api/ledger/flows').catch((err) => ({ items: [], nodeError: err.message }))
      page.append(flowsPanel(flows, state.tree.id, canAck(), submitFlow))
    }
    view.replaceChildren(page)
    state.current = { kind: 'node', onEvent: scheduleRefresh }
  }
  const heading = view.querySelector('h1')
  if (heading) document.title = `${heading.textContent} — RHN`
}

/** Rollups change with every value: redraw tree and capacity views at most every 2 s. */
function scheduleRefresh() {
  if (state.refreshTimer !== null) return
  state.refreshTimer = setTimeout(() => {
    state.refreshTimer = null
    if (state.current && state.current.kind !== 'asset') void render().catch(onError)
  }, 2000)
}

/** One EventSource for the session. It cannot send headers, so the token goes as ?access_token= (stream route only). */
function connectStream() {
  const es = new EventSource(`/api/stream?access_token=${encodeURIComponent(state.token)}`)
  const live = $('live')
  es.onopen = () => { live.textContent = 'Live: connected'; live.classList.add('on') }
  es.onerror = () => { live.textContent = 'Live: reconnecting…'; live.classList.remove('on') }
  for (const type of ['value', 'online', 'alarm']) {
    es.addEventListener(type, (msg) => {
      const e = JSON.parse(msg.data)
      if (e.type === 'alarm') void refreshAlarmCount().catch(onError)
      state.current?.onEvent(e)
    })
  }
  state.source = es
}

function showApp(on) {
  $('login-view').hidden = on
  $('app-view').hidden = !on
  $('nav').hidden = !on
  $('session').hidden = !on
}

async function signIn(token) {
  state.token = token
  state.principal = await api('/api/session')
  sessionStorage.setItem(TOKEN_KEY, token)
  $('who').textContent = `${state.principal.name} (${state.principal.role})`
  showApp(true)
  connectStream()
  await render()
}

function signOut(message = '') {
  sessionStorage.removeItem(TOKEN_KEY)
  state.source?.close()
  Object.assign(state, { token: null, principal: null, source: null, current: null })
  showApp(false)
  $('login-error').textContent = message
  $('token').value = ''
  $('token').focus()
}

$('login-form').addEventListener('submit', (e) => {
  e.preventDefault()
  $('login-error').textContent = ''
  const token = $('token').value.trim()
  signIn(token).catch((err) => { if (err.message !== 'unauthorized') $('login-error').textContent = err.message })
})
$('sign-out').addEventListener('click', () => signOut('Signed out.'))
window.addEventListener('hashchange', () => { if (state.token) { say(''); void render().catch(onError) } })

const saved = sessionStorage.getItem(TOKEN_KEY)
if (saved) void signIn(saved).catch(() => signOut())
else showApp(false)
