// RHN region page (issue 7): hospitals side by side with occupancy by unit type, OPEL level and
// reason, PPE days of supply, open requests, rebalancing recommendations with a one-step "Request",
// and when each figure was taken and confirmed. Live through the session's stream (sign-in, API calls
// and the stream are session.js, shared with the hospital page).
import { fmtTime, fmtValue, h, pair, table } from './dom.js'
import { $, createSession, onError, say } from './session.js'

const state = { timer: null, notes: new Map() }

const UNIT_LABELS = { icu: 'ICU', hdu: 'HDU', ed: 'ED', ward: 'Ward', theatre: 'Theatre', isolation: 'Isolation' }

const session = createSession({ render, events: ['snapshot', 'flow', 'escalation', 'ledger', 'recommendations'], onEvent: scheduleRender })
const { api, canAct: canRequest } = session

// The region page's own parts of the shell: its name, the wide layout and the ledger banner.
$('page-name').textContent = 'region twin'
$('main').classList.add('wide')
$('app-view').prepend(h('p', { id: 'ledger', class: 'ledger-down', role: 'alert', hidden: true }))

const percent = (a, b) => (b > 0 ? `${Math.round((a / b) * 100)} %` : '—')

function opel(e, label) {
  return h('p', { class: 'reason' }, h('span', { class: `opel opel-${e.level}`, 'data-level': e.level, 'aria-label': `${label} OPEL ${e.level}` }, `OPEL ${e.level}`), e.reason)
}

function hospitalCard(hsp) {
  const card = h('article', { class: 'hospital', 'aria-labelledby': `h-${hsp.id}`, 'data-hospital': hsp.id })
  card.append(h('h2', { id: `h-${hsp.id}` }, `${hsp.name} (${hsp.id})`), opel(hsp.escalation, hsp.id))
  if (!hsp.reporting) {
    card.append(h('p', { class: 'not-reporting' }, 'No confirmed snapshot yet.'))
    return card
  }
  const rows = Object.entries(hsp.byUnitType).map(([type, b]) => [UNIT_LABELS[type] ?? type, pair(b.occupied, b.total), percent(b.occupied, b.total)])
  rows.push(['All beds', pair(hsp.beds.occupied, hsp.beds.total), percent(hsp.beds.occupied, hsp.beds.total)])
  rows.push(['Ventilators in use', pair(hsp.ventilators.inUse, hsp.ventilators.total), percent(hsp.ventilators.inUse, hsp.ventilators.total)])
  const occ = table(`Occupancy of ${hsp.id} by unit type`, ['Unit type', 'Occupied / total', 'Occupancy'], rows)
  occ.setAttribute('data-occupancy', hsp.id)
  card.append(occ)
  if (hsp.ppe.length > 0) {
    const ppe = table(`PPE days of supply at ${hsp.id}`, ['Item', 'Stock', 'Days of supply'], hsp.ppe.map((p) => [p.item, p.stock, p.daysOfSupply === null ? 'no burn rate yet' : fmtValue(p.daysOfSupply)]))
    card.append(ppe)
  }
  const worst = hsp.units.filter((u) => u.escalation.level > 1).sort((a, b) => b.escalation.level - a.escalation.level)
  if (worst.length > 0) card.append(h('ul', { class: 'units' }, worst.map((u) => h('li', {}, opel(u.escalation, u.name)))))
  card.append(
    h(
      'p',
      { class: 'times' },
      'Figures taken ',
      h('time', { 'data-taken': hsp.id }, fmtTime(hsp.takenAt)),
      ', confirmed on the ledger ',
      h('time', { 'data-confirmed': hsp.id }, fmtTime(hsp.confirmedAt)),
    ),
  )
  return card
}

function requestsTable(flows) {
  const open = flows.requests.filter((r) => r.status !== 'fulfilled')
  if (open.length === 0) return h('p', { class: 'hint' }, 'No open requests.')
  return table(
    'Open requests',
    ['From', 'To', 'What', 'Quantity', 'Status', 'Offers', 'Confirmed'],
    open.map((r) => [
      r.from,
      r.to.length === 0 ? 'every member' : r.to.join(', '),
      r.resource === 'ppe' ? `PPE ${r.gtin ?? ''}` : r.unitType ? `${r.resource} (${r.unitType})` : r.resource,
      r.quantity,
      r.status,
      r.offers.map((o) => `${o.from}: ${o.quantity}${o.decision ? ` (${o.decision.kind}ed)` : ''}`).join('; ') || '—',
      fmtTime(r.confirmedAt),
    ]),
  )
}

function recLabel(r) {
  const what = r.kind === 'ppe' ? `${r.quantity} ${r.item ?? 'PPE'}` : r.kind === 'patient' ? `${r.quantity} ${r.severity ?? ''} patient${r.quantity === 1 ? '' : 's'}` : `${r.quantity} ventilator${r.quantity === 1 ? '' : 's'}`
  return `${what} from ${r.from} to ${r.to}`
}

async function fileRequest(r) {
  try {
    const res = await api(`/api/region/recommendations/${encodeURIComponent(r.id)}/request`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
    state.notes.set(r.id, `Requested through ${res.nodeUrl}: request ${res.request.id}`)
    say(`Request filed: ${recLabel(r)}.`)
  } catch (err) {
    if (err?.message === 'unauthorized') return
    state.notes.set(r.id, `Not filed: ${err.message}`)
    say(`Request not filed: ${err.message}`, true)
  }
  await render().catch(onError)
}

function recommendationsList(advice) {
  if (advice.recommendations.length === 0) {
    const why = advice.status === 'failed' ? `Advice could not be solved: ${advice.error}` : advice.solvedAt === null ? 'Solving…' : 'No moves recommended: no hospital is short that another could help.'
    return h('p', { class: 'hint' }, why)
  }
  return h(
    'ul',
    { class: 'recs', 'aria-label': 'Recommendations' },
    advice.recommendations.map((r) => {
      const note = r.requested ? `Requested by ${r.requested.by} at ${fmtTime(r.requested.at)}` : state.notes.get(r.id)
      const button = canRequest() && !r.requested ? h('button', { type: 'button', 'aria-label': `Request ${recLabel(r)}`, onclick: () => void fileRequest(r) }, 'Request') : null
      return h('li', { 'data-recommendation': r.id }, h('span', { class: 'what' }, recLabel(r)), h('span', {}, `${Math.round(r.distanceKm)} km`), button, note ? h('span', { class: note.startsWith('Not filed') ? 'error' : 'done', role: 'note' }, note) : null, h('span', { class: 'why' }, r.reason))
    }),
  )
}

function showLedger(health) {
  const el = $('ledger')
  const down = health.ledger && !health.ledger.reachable
  el.hidden = !down
  el.textContent = down ? `Ledger unreachable since ${fmtTime(health.ledger.unreachableSince)}: showing the last confirmed figures.` : ''
}

/** Draws the whole page from the API. */
async function render() {
  const [region, flows, advice, health] = await Promise.all([api('/api/region'), api('/api/region/flows'), api('/api/region/recommendations'), fetch('/healthz').then((r) => r.json())])
  const hospitals = await api('/api/region/hospitals')
  $('page-name').textContent = region.name
  document.title = `${region.name} — RHN`
  showLedger(health)
  $('view').replaceChildren(
    h('h1', {}, region.name),
    opel(region.escalation, 'Region'),
    h('p', { class: 'times' }, 'Newest confirmation ', h('time', { 'data-confirmed': 'region' }, fmtTime(region.confirmedAt))),
    h('section', { class: 'hospitals', 'aria-label': 'Hospitals' }, hospitals.map(hospitalCard)),
    h('h2', {}, 'Recommendations'),
    h('p', { class: 'hint' }, advice.solvedAt === null ? '' : `Solved ${fmtTime(advice.solvedAt)} on figures confirmed up to ${fmtTime(advice.basedOnConfirmedAt)}.`),
    recommendationsList(advice),
    h('h2', {}, 'Open requests'),
    requestsTable(flows),
  )
}

function scheduleRender() {
  if (state.timer !== null) return
  state.timer = setTimeout(() => {
    state.timer = null
    void render().catch(onError)
  }, 250)
}

// The ledger banner also follows /healthz between events (an outage sends no event of its own until it is noticed).
setInterval(() => { if (session.signedIn) void fetch('/healthz').then((r) => r.json()).then(showLedger).catch(() => {}) }, 5000)

session.start()
