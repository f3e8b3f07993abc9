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
export function nodeView(tree, id) {
  const found = findNode(tree, id) ?? { node: tree, path: [] }
  const { node, path } = found
  const rows = node.children.map((c) => {
    const status = c.level === 'component' ? h('span', { class: c.online ? 'online' : 'offline' }, c.online ? 'online' : 'offline') : ''
    const days = minDaysOfSupply(c.rollup)
    return [h('td', {}, linkTo(c)), c.kind ?? c.unitType ?? LEVEL_NAME[c.level] ?? c.level, status, pair(c.rollup.beds.occupied, c.rollup.beds.total), pair(c.rollup.ventilators.inUse, c.rollup.ventilators.total), days === null ? '—' : fmtValue(days), c.rollup.alarms.active]
  })
  return h(
    'div',
    {},
    crumbs(path, node.name),
    h('h1', {}, node.name, h('span', { class: 'hint' }, ` (${LEVEL_NAME[node.level] ?? node.level})`)),
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
