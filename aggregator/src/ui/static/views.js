// The hospital tree (drill-down with rollups), the alarm list and the capacity table.
import { fmtTime, fmtValue, h, minDaysOfSupply, pair, table } from './dom.js'

const LEVEL_NAME = { hospital: 'Hospital', unit: 'Unit', section: 'Section', component: 'Component', unassigned: 'Unassigned' }

/** Finds `id` in the tree; returns { node, path } with path = ancestors, root first. */
export function findNode(root, id, path = []) {
  if (root.id === id) return { node: root, path }
  for (const child of root.children) {
    const found = findNode(child, id, [...path, root])
    if (found) return found
  }
  return undefined
}

function linkTo(node) {
  const href = node.level === 'component' ? `#/asset/${encodeURIComponent(node.id)}` : `#/node/${encodeURIComponent(node.id)}`
  return h('a', { href }, node.name)
}

/** Breadcrumbs from the root to `node`. */
export function crumbs(path, current) {
  return h('nav', { 'aria-label': 'Breadcrumb' }, h('ol', { class: 'crumbs' }, path.map((n) => h('li', {}, linkTo(n))), h('li', { 'aria-current': 'page' }, current)))
}

/** The rollup of a node as a small definition list. */
export function rollupSummary(r) {
  const days = minDaysOfSupply(r)
  const item = (label, value) => h('div', {}, h('dt', {}, label), h('dd', {}, value))
  return h(
    'dl',
    { class: 'rollup' },
    item('Beds occupied / total', pair(r.beds.occupied, r.beds.total)),
    item('Ventilators in use / total', pair(r.ventilators.inUse, r.ventilators.total)),
    item('PPE days of supply', days === null ? '—' : fmtValue(days)),
    item('Active alarms', r.alarms.active),
  )
}

/** A node page: its rollup and a table of its children with theirs. */
export function nodeView(tree, id, esc) {
  const found = findNode(tree, id) ?? { node: tree, path: [] }
  const { node, path } = found
  const rows = node.children.map((c) => {
    const status = c.level === 'component' ? h('span', { class: c.online ? 'online' : 'offline' }, c.online ? 'online' : 'offline') : ''
    const days = minDaysOfSupply(c.rollup)
    return [h('td', {}, linkTo(c), ' ', c.level === 'unit' ? escalationBadge(escalationOf(esc, c.id)) : ''), c.kind ?? c.unitType ?? LEVEL_NAME[c.level] ?? c.level, status, pair(c.rollup.beds.occupied, c.rollup.beds.total), pair(c.rollup.ventilators.inUse, c.rollup.ventilators.total), days === null ? '—' : fmtValue(days), c.rollup.alarms.active]
  })
  return h(
    'div',
    {},
    crumbs(path, node.name),
    h('h1', {}, node.name, h('span', { class: 'hint' }, ` (${LEVEL_NAME[node.level] ?? node.level})`)),
    escalationBadge(escalationOf(esc, node.id)),
    rollupSummary(node.rollup),
    rows.length === 0 ? h('p', {}, 'Nothing below this level.') : table(`In ${node.name}`, ['Name', 'Type', 'Status', 'Beds occ. / total', 'Ventilators in use / total', 'PPE days', 'Alarms'], rows),
  )
}

/** The alarm table; `onAck(alarm)` is called by each Acknowledge button (shown to engineer and admin only). */
export function alarmTable(alarms, canAck, onAck, caption = 'Alarms') {
  if (alarms.length === 0) return h('p', {}, 'No alarms.')
  const rows = alarms.map((a) => [
    h('td', { class: `prio-${a.priority}` }, a.priority),
    h('td', {}, h('a', { href: `#/asset/${encodeURIComponent(a.asset)}` }, a.asset)),
    a.message,
    h('td', { 'data-alarm-state': a.id }, a.state),
    fmtTime(a.raisedAt),
    a.acknowledgedBy ?? '—',
    h('td', {}, a.state === 'active' && canAck ? h('button', { type: 'button', onclick: () => onAck(a), 'aria-label': `Acknowledge alarm: ${a.message} on ${a.asset}` }, 'Acknowledge') : ''),
  ])
  return table(caption, ['Priority', 'Asset', 'Message', 'State', 'Raised', 'Acknowledged by', 'Action'], rows)
}

/** The capacity table: one row per unit and a hospital total. */
export function capacityView(tree) {
  const units = tree.children.filter((c) => c.level === 'unit')
  const row = (n, type) => {
    const r = n.rollup
    const occ = r.beds.total === 0 ? '—' : `${Math.round((r.beds.occupied / r.beds.total) * 100)} %`
    const days = minDaysOfSupply(r)
    return [h('td', {}, n.level === 'hospital' ? h('strong', {}, n.name) : linkTo(n)), type, r.beds.total, r.beds.occupied, r.beds.available, occ, r.ventilators.total, r.ventilators.inUse, r.ventilators.available, r.ventilators.alarming, days === null ? '—' : fmtValue(days), r.alarms.active]
  }
  return h(
    'div',
    {},
    h('h1', {}, `Capacity — ${tree.name}`),
    table('Capacity by unit', ['Unit', 'Type', 'Beds', 'Occupied', 'Available', 'Occupancy', 'Ventilators', 'In use', 'Available', 'Alarming', 'PPE days', 'Alarms'], [...units.map((u) => row(u, u.unitType ?? '')), row(tree, 'total')]),
  )
}

/** An OPEL badge with its reason next to it (issue 7 "Escalation levels"). */
export function escalationBadge(e) {
  if (!e) return ''
  return h('span', { class: 'opel-wrap' }, h('span', { class: `opel opel-${e.level}`, 'data-opel': e.level, title: e.reason }, `OPEL ${e.level}`), h('span', { class: 'opel-reason' }, e.reason))
}

/** The escalation of `id` (hospital or unit) in the /api/escalation answer. */
export function escalationOf(esc, id) {
  if (!esc) return undefined
  return esc.hospital.id === id ? esc.hospital : esc.units.find((u) => u.id === id)
}

const FLOW_LABEL = { 'resource-request': 'Request', 'resource-offer': 'Offer', 'resource-accept': 'Accepted', 'resource-decline': 'Declined', 'patient-transfer': 'Transfer' }

function flowText(f) {
  const t = f.tx
  switch (f.kind) {
    case 'resource-request': return `${t.from} asks ${(t.to ?? []).length === 0 ? 'every member' : t.to.join(', ')} for ${t.quantity} ${t.resource}${t.unitType ? ` (${t.unitType})` : ''}: ${t.reason}`
    case 'resource-offer': return `${t.from} offers ${t.quantity} to ${t.to} for request ${t.requestId.slice(0, 8)}${t.note ? `: ${t.note}` : ''}`
    case 'patient-transfer': return `${t.origin} → ${t.destination}: ${t.category.severity} ${t.category.condition} patient to ${t.unitType} (ref ${t.patientRef.slice(0, 8)}…)`
    default: return `${t.from} ${f.kind === 'resource-accept' ? 'accepts' : 'declines'} offer ${t.offerId.slice(0, 8)}${t.reason ? `: ${t.reason}` : ''}`
  }
}

function field(label, input) {
  return h('label', {}, h('span', {}, label), input)
}

/**
 * "Requests & transfers": the flows involving this hospital with their confirmation status, and
 * forms to request, offer, accept or decline (`canWrite`: engineer or admin). `submit(path, body)` posts.
 */
export function flowsPanel(list, hospitalId, canWrite, submit) {
  const status = (f) => h('span', { class: `flow-${f.status}`, 'data-flow-status': f.status }, f.status === 'confirmed' || f.status === 'pending' ? `${f.status}${f.quorum ? ` (${f.endorsements ?? 0}/${f.quorum})` : ''}` : f.status)
  const actions = (f) => {
    if (!canWrite || f.kind !== 'resource-offer' || f.tx.to !== hospitalId) return canWrite && f.kind === 'resource-request' && f.tx.from !== hospitalId ? offerForm(f) : ''
    const decide = (decision) => submit('/api/ledger/decisions', { decision, offerId: f.tx.id, requestId: f.tx.requestId })
    return h('span', {}, h('button', { type: 'button', onclick: () => decide('accept') }, 'Accept'), ' ', h('button', { type: 'button', onclick: () => decide('decline') }, 'Decline'))
  }
  const offerForm = (f) => {
    const qty = h('input', { type: 'number', min: 1, value: f.tx.quantity, 'aria-label': 'Quantity to offer', size: 4 })
    return h('form', { class: 'inline', onsubmit: (e) => { e.preventDefault(); submit('/api/ledger/offers', { requestId: f.tx.id, to: f.tx.from, quantity: Number(qty.value) }) } }, qty, h('button', { type: 'submit' }, 'Offer'))
  }
  const rows = (list?.items ?? []).map((f) => [FLOW_LABEL[f.kind] ?? f.kind, flowText(f), h('td', {}, status(f)), f.confirmedAt ? fmtTime(f.confirmedAt) : '—', h('td', {}, actions(f))])
  const parts = [h('h2', {}, 'Requests & transfers')]
  if (list?.nodeError) parts.push(h('p', { class: 'status error' }, `Ledger node not reachable; showing what this aggregator knows: ${list.nodeError}`))
  parts.push(rows.length === 0 ? h('p', {}, 'No requests or transfers yet.') : table('Requests, offers, decisions and transfers involving this hospital', ['Kind', 'What', 'Status', 'Confirmed', 'Action'], rows))
  if (canWrite) {
    const resource = h('select', {}, ['bed', 'ventilator', 'ppe'].map((r) => h('option', { value: r }, r)))
    const qty = h('input', { type: 'number', min: 1, value: 1, size: 4 })
    const reason = h('input', { type: 'text', required: true, maxlength: 500 })
    parts.push(
      h('form', { class: 'inline', 'aria-label': 'Request resources', onsubmit: (e) => { e.preventDefault(); submit('/api/ledger/requests', { resource: resource.value, quantity: Number(qty.value), reason: reason.value }) } },
        field('Resource', resource), field('Quantity', qty), field('Reason', reason), h('button', { type: 'submit' }, 'Request from the region')),
    )
  } else {
    parts.push(h('p', { class: 'hint' }, 'Requests, offers and decisions need an engineer or admin token.'))
  }
  return h('section', { class: 'flows' }, parts)
}
