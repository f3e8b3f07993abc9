import type { Endpoint } from './devices/types.js'

/** Renders endpoints as the aligned table `rhn-sim list` and `rhn-sim run` print. */
export function formatEndpointTable(endpoints: readonly Endpoint[]): string {
  const rows = [
    ['HOSPITAL', 'KIND', 'ID', 'PROTOCOL', 'ADDRESS', 'DEVICES'],
    ...endpoints.map((e) => [e.hospitalId, e.kind, e.id, e.protocol, e.address, String(e.components.length)]),
  ]
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((r) => r[col]!.length)))
  return rows.map((r) => r.map((cell, col) => (col === r.length - 1 ? cell : cell.padEnd(widths[col]!))).join('  ')).join('\n')
}
