// DOM and formatting helpers. Text always goes in through textContent (never innerHTML): names come
// from the registry and values from devices, so nothing they hold can become markup.

/** Creates an element: h('a', { href: '#/' }, 'text', child, …). `on*` attributes become listeners. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag)
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v)
    else if (k === 'class') el.className = v
    else el.setAttribute(k, v === true ? '' : String(v))
  }
  append(el, children)
  return el
}

function append(el, children) {
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue
    el.append(c instanceof Node ? c : document.createTextNode(String(c)))
  }
}

const SVG_NS = 'http://www.w3.org/2000/svg'

/** Creates an SVG element. */
export function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG_NS, tag)
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v))
  append(el, children)
  return el
}

/** A table with a caption and header row; `rows` are arrays of cells (nodes or text, or `{ num }`). */
export function table(caption, headers, rows) {
  return h(
    'table',
    {},
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, headers.map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, rows.map((cells) => h('tr', {}, cells.map((c) => (c instanceof Node && c.tagName === 'TD' ? c : h('td', typeof c === 'number' ? { class: 'num' } : {}, c)))))),
  )
}

/** A value for people: numbers to at most 2 decimals, booleans as yes/no. */
export function fmtValue(v) {
  if (v === null || v === undefined) return '—'
  if (typeof v === 'boolean') return v ? 'yes' : 'no'
  if (typeof v === 'number') return String(Math.round(v * 100) / 100)
  return String(v)
}

/** A timestamp (ms) as `YYYY-MM-DD HH:MM:SS` UTC. */
export function fmtTime(ms) {
  if (ms === null || ms === undefined) return '—'
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`
}

/** The smallest days of supply over a rollup's PPE items, or null. */
export function minDaysOfSupply(rollup) {
  const days = Object.values(rollup.ppe ?? {}).map((p) => p.daysOfSupply).filter((d) => typeof d === 'number')
  return days.length === 0 ? null : Math.min(...days)
}

/** "2 / 3" style pair. */
export const pair = (a, b) => `${a} / ${b}`
