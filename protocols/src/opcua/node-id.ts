import { ProtocolError } from '../errors/protocol-error.js'

/**
 * NodeIds of the simulated ventilator's address space.
 *
 * Scheme: string NodeIds `ns=<index>;s=<deviceId>.<Folder>.<Name>[.<Leaf>]` — the device id, then the
 * browse path below the device object, joined by `.`; e.g. `ns=1;s=vent-01.Measurements.RespiratoryRate`.
 * The device object itself is `ns=1;s=vent-01`. The simulator registers {@link VENTILATOR_NAMESPACE_URI}
 * as its first own namespace, so the index is 1 there (index 0 is the OPC UA namespace, Part 3 §8.2.2);
 * a driver talking to another server should resolve the index from the server's NamespaceArray, or use
 * the `nsu=` form (Part 6 §5.3.1.10) from {@link ventilatorExpandedNodeId}.
 */
export const VENTILATOR_NAMESPACE_URI = 'urn:rhn:ventilator'

/** The namespace index the RHN simulator uses for {@link VENTILATOR_NAMESPACE_URI}. */
export const VENTILATOR_NAMESPACE_INDEX = 1

/** Device ids and path segments: letters, digits, `_` and `-` (no `.`, the path separator; no `;`). */
const SEGMENT = /^[A-Za-z0-9_-]+$/

function checkPath(deviceId: string, path: string): void {
  if (!SEGMENT.test(deviceId)) throw new ProtocolError('RHN_PROTO_VALUE_INVALID', `ventilator device id "${deviceId}" must match ${SEGMENT.source}`)
  if (path !== '' && !path.split('.').every((s) => SEGMENT.test(s))) throw new ProtocolError('RHN_PROTO_VALUE_INVALID', `OPC UA path "${path}" must be dot-separated segments matching ${SEGMENT.source}`)
}

/** `ns=1;s=<deviceId>.<path>` (or `ns=1;s=<deviceId>` for an empty path). @throws ProtocolError `RHN_PROTO_VALUE_INVALID` on a bad id or path. */
export function ventilatorNodeId(deviceId: string, path: string, namespaceIndex = VENTILATOR_NAMESPACE_INDEX): string {
  checkPath(deviceId, path)
  return `ns=${namespaceIndex};s=${path === '' ? deviceId : `${deviceId}.${path}`}`
}

/** `nsu=urn:rhn:ventilator;s=<deviceId>.<path>`: independent of the server's namespace order. */
export function ventilatorExpandedNodeId(deviceId: string, path: string): string {
  checkPath(deviceId, path)
  return `nsu=${VENTILATOR_NAMESPACE_URI};s=${path === '' ? deviceId : `${deviceId}.${path}`}`
}

/** Splits `ns=N;s=dev.path` back into device id and path; undefined if not of this scheme. */
export function parseVentilatorNodeId(nodeId: string): { namespaceIndex: number; deviceId: string; path: string } | undefined {
  const m = /^ns=(\d+);s=([A-Za-z0-9_-]+)(?:\.([A-Za-z0-9_.-]+))?$/.exec(nodeId)
  if (m === null) return undefined
  return { namespaceIndex: Number(m[1]), deviceId: m[2] as string, path: m[3] ?? '' }
}
