// RHN hospital twin page: hash routing between the hospital tree, asset pages, alarms and capacity,
// live through the session's stream (sign-in, API calls and the stream are session.js, shared with
// the region page).
import { assetView } from './asset.js'
import { h } from './dom.js'
import { $, createSession, onError, say } from './session.js'
import { alarmTable, capacityView, flowsPanel, nodeView } from './views.js'

const state = { tree: null, current: null, refreshTimer: null }

const session = createSession({
  render,
  events: ['value', 'online', 'alarm'],
  onEvent: (msg) => {
    const e = JSON.parse(msg.data)
    if (e.type === 'alarm') void refreshAlarmCount().catch(onError)
    state.current?.onEvent(e)
  },
  onSignOut: () => {
    state.current = null
    $('token').focus()
  },
})
const { api, canAct: canAck } = session

// The hospital page's own parts of the shell: its name and the navigation.
$('page-name').textContent = 'hospital twin'
$('session').before(
  h(
    'nav',
    { id: 'nav', 'aria-label': 'Main', hidden: true },
    // The spaces between the links are the ones the markup had (the links are inline).
    h('a', { href: '#/' }, 'Hospital'),
    ' ',
    h('a', { href: '#/alarms' }, 'Alarms ', h('span', { id: 'alarm-count', class: 'badge', 'aria-label': 'active alarms' }, '0')),
    ' ',
    h('a', { href: '#/capacity' }, 'Capacity'),
  ),
)

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
  $('page-name').textContent = state.tree.name
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

window.addEventListener('hashchange', () => { if (session.signedIn) { say(''); void render().catch(onError) } })
session.start()
