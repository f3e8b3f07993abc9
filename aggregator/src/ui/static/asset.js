// The asset page: state, live values (updated from /api/stream), a history chart (inline SVG) and alarms.
import { fmtTime, fmtValue, h, s, table } from './dom.js'
import { alarmTable, crumbs, findNode } from './views.js'

const RANGES = [
  ['1 hour', 3_600_000],
  ['6 hours', 6 * 3_600_000],
  ['24 hours', 24 * 3_600_000],
]
/** Points a chart asks for: about one per 5 px of its 600 px width. */
const CHART_POINTS = 120

/** Draws `points` ({t, value}) as a line chart with min/max and start/end labels. */
export function lineChart(points, label) {
  const W = 640, H = 220, L = 56, R = 12, T = 12, B = 34
  const numeric = points.filter((p) => typeof p.value === 'number')
  const svg = s('svg', { class: 'chart', viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img', 'aria-label': label })
  svg.append(s('title', {}, label))
  if (numeric.length === 0) {
    svg.append(s('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle' }, 'No data in this range'))
    return svg
  }
  const t0 = numeric[0].t, t1 = numeric[numeric.length - 1].t
  let lo = Math.min(...numeric.map((p) => p.value)), hi = Math.max(...numeric.map((p) => p.value))
  if (lo === hi) { lo -= 1; hi += 1 }
  const x = (t) => L + ((t - t0) / Math.max(1, t1 - t0)) * (W - L - R)
  const y = (v) => T + (1 - (v - lo) / (hi - lo)) * (H - T - B)
  svg.append(
    s('line', { class: 'axis', x1: L, y1: T, x2: L, y2: H - B }),
    s('line', { class: 'axis', x1: L, y1: H - B, x2: W - R, y2: H - B }),
    s('text', { x: L - 6, y: T + 10, 'text-anchor': 'end' }, fmtValue(hi)),
    s('text', { x: L - 6, y: H - B, 'text-anchor': 'end' }, fmtValue(lo)),
    s('text', { x: L, y: H - 10 }, fmtTime(t0).slice(11, 16)),
    s('text', { x: W - R, y: H - 10, 'text-anchor': 'end' }, fmtTime(t1).slice(11, 16)),
    s('polyline', { class: 'line', points: numeric.map((p) => `${x(p.t).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ') }),
  )
  return svg
}

function valueRows(asset) {
  return Object.entries(asset.values)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([metric, v]) => [metric, h('td', { class: typeof v.value === 'number' ? 'num' : undefined, 'data-metric': metric }, fmtValue(v.value)), v.unit ?? '', h('td', { 'data-metric-time': metric }, fmtTime(v.timestamp))])
}

/**
 * Renders the asset page into a fresh element. `ctx`: { tree, api, canAck, onAck }.
 * Returns { el, onEvent } so the app can push stream events into it.
 */
export function assetView(asset, alarms, ctx) {
  const found = findNode(ctx.tree, asset.id)
  const statusEl = h('span', { class: asset.online ? 'online' : 'offline' }, asset.online ? 'online' : 'offline')
  const chartBox = h('div', {})
  const numericMetrics = Object.entries(asset.values).filter(([, v]) => typeof v.value === 'number').map(([m]) => m).sort()
  const metricSel = h('select', { id: 'history-metric' }, numericMetrics.map((m) => h('option', { value: m }, m)))
  const rangeSel = h('select', { id: 'history-range' }, RANGES.map(([label, ms]) => h('option', { value: ms }, label)))

  async function showHistory() {
    const metric = metricSel.value
    if (!metric) return
    const range = Number(rangeSel.value)
    const to = Date.now()
    const every = Math.max(1000, Math.round(range / CHART_POINTS))
    const q = new URLSearchParams({ metric, from: String(to - range), to: String(to), every: String(every), agg: 'mean' })
    const hist = await ctx.api(`/api/assets/${encodeURIComponent(asset.id)}/history?${q}`)
    const label = `History of ${metric}${hist.unit ? ` (${hist.unit})` : ''}, last ${rangeSel.selectedOptions[0].textContent}`
    chartBox.replaceChildren(lineChart(hist.points, label))
  }

  const alarmBox = h('div', {}, alarmTable(alarms, ctx.canAck, ctx.onAck, `Alarms of ${asset.name}`))
  const el = h(
    'div',
    {},
    crumbs(found ? found.path : [], asset.name),
    h('h1', {}, asset.name),
    h('p', {}, `Kind: ${asset.kind} · Status: `, statusEl, ` · Last seen: `, h('span', { id: 'last-seen' }, fmtTime(asset.lastSeen)), asset.stale ? ' · stale' : ''),
    table('Live values', ['Metric', 'Value', 'Unit', 'Time'], valueRows(asset)),
    h('h2', {}, 'History'),
    numericMetrics.length === 0
      ? h('p', {}, 'This asset has no numeric metrics to chart.')
      : h(
          'form',
          { class: 'inline-form', onsubmit: (e) => { e.preventDefault(); void showHistory().catch(ctx.onError) } },
          h('div', {}, h('label', { for: 'history-metric' }, 'Metric'), metricSel),
          h('div', {}, h('label', { for: 'history-range' }, 'Range'), rangeSel),
          h('button', { type: 'submit' }, 'Show history'),
        ),
    chartBox,
    h('h2', {}, 'Alarms'),
    alarmBox,
  )
  if (numericMetrics.length > 0) void showHistory().catch(ctx.onError)

  function onEvent(e) {
    if (e.asset !== asset.id) return
    if (e.type === 'value') {
      const cell = el.querySelector(`[data-metric="${CSS.escape(e.metric)}"]`)
      if (cell) {
        cell.textContent = fmtValue(e.value.value)
        cell.classList.remove('flash'); void cell.offsetWidth; cell.classList.add('flash')
        const time = el.querySelector(`[data-metric-time="${CSS.escape(e.metric)}"]`)
        if (time) time.textContent = fmtTime(e.value.timestamp)
      }
      el.querySelector('#last-seen').textContent = fmtTime(e.value.timestamp)
    } else if (e.type === 'online') {
      statusEl.textContent = e.online ? 'online' : 'offline'
      statusEl.className = e.online ? 'online' : 'offline'
    } else if (e.type === 'alarm') {
      void ctx.api(`/api/alarms?asset=${encodeURIComponent(asset.id)}`).then((list) => alarmBox.replaceChildren(alarmTable(list, ctx.canAck, ctx.onAck, `Alarms of ${asset.name}`)), ctx.onError)
    }
  }
  return { el, onEvent }
}
