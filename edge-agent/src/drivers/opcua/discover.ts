import { resolve } from 'node:path'
import { opcuaVariableAt, parseVentilatorNodeId, VENTILATOR_NAMESPACE_URI, VENTILATOR_OPCUA_VARIABLES, type OpcuaDeviceConfig } from '@rhn/protocols'
import { AttributeIds, BrowseDirection, DataType, NodeClass, type ClientSession, type ReferenceDescription } from 'node-opcua'
import { createClient, explainFailure, userIdentity } from './security.js'
import { EdgeError } from '../../errors.js'

/** What `rhn-edge discover opc.tcp://…` connects with. */
export interface OpcuaDiscoverOptions {
  /** Our PKI folder (client certificate, trusted server certificates); required so nothing lands in `~/.config`. */
  pkiDir: string
  /** Default `None`: discovery is a setup step; pass the mode the server requires. */
  securityMode?: OpcuaDeviceConfig['securityMode']
  securityPolicy?: OpcuaDeviceConfig['securityPolicy']
  username?: string
  password?: string
  /** Levels below Objects to browse (default 6: device / folder / group / variable, with room to spare). */
  maxDepth?: number
  /** Connect and request timeout, ms (default 10 000). */
  timeoutMs?: number
}

const DEFAULT_MAX_DEPTH = 6
const OBJECTS_FOLDER = 'ns=0;i=85'
const HAS_PROPERTY = 'ns=0;i=46'

interface Found {
  nodeId: string
  path: string
  dataType: string
  unit?: string
}

/**
 * Browses a server from the Objects folder down (`maxDepth` levels; the standard Server object is
 * skipped) and prints every variable with its data type and EngineeringUnits as a YAML `nodes:`
 * snippet to paste into a device entry. A device object that carries the whole RHN ventilator layout
 * is named with a note that `layout: ventilator` fits it.
 * @throws EdgeError `RHN_EDGE_DEVICE_UNREACHABLE` when the server cannot be reached or trusted.
 */
export async function discoverOpcua(url: string, options: OpcuaDiscoverOptions): Promise<string> {
  const mode = options.securityMode ?? 'None'
  const pkiDir = resolve(options.pkiDir)
  const timeoutMs = options.timeoutMs ?? 10_000
  const { client, certificates } = await createClient({ securityMode: mode, securityPolicy: options.securityPolicy ?? (mode === 'None' ? 'None' : 'Basic256Sha256'), timeoutMs, pkiDir })
  try {
    try {
      await client.connect(url)
    } catch (err) {
      throw new EdgeError('RHN_EDGE_DEVICE_UNREACHABLE', explainFailure(err, url, pkiDir), { cause: err })
    }
    const session = await client.createSession(await userIdentity({ id: 'discover', username: options.username, password: options.password }, '.'))
    try {
      const namespaces = await session.readNamespaceArray()
      const found = await walk(session, OBJECTS_FOLDER, '', options.maxDepth ?? DEFAULT_MAX_DEPTH)
      return render(url, found, namespaces)
    } finally {
      await session.close()
    }
  } finally {
    await client.disconnect()
    await certificates.dispose()
  }
}

async function browse(session: ClientSession, nodeId: string, referenceTypeId: string): Promise<ReferenceDescription[]> {
  const result = await session.browse({ nodeId, browseDirection: BrowseDirection.Forward, referenceTypeId, includeSubtypes: true, resultMask: 63 })
  return result.references ?? []
}

async function walk(session: ClientSession, nodeId: string, path: string, depth: number): Promise<Found[]> {
  if (depth <= 0) return []
  const found: Found[] = []
  for (const ref of await browse(session, nodeId, 'HierarchicalReferences')) {
    if (ref.referenceTypeId.toString() === HAS_PROPERTY) continue
    const child = ref.nodeId.toString()
    if (path === '' && ref.nodeId.namespace === 0) continue // the Server object and other standard nodes
    const childPath = path === '' ? (ref.browseName.name ?? child) : `${path}.${ref.browseName.name ?? child}`
    if ((ref.nodeClass as number) === (NodeClass.Variable as number)) found.push(await describe(session, child, childPath))
    else found.push(...(await walk(session, child, childPath, depth - 1)))
  }
  return found
}

async function describe(session: ClientSession, nodeId: string, path: string): Promise<Found> {
  const dt = await session.read({ nodeId, attributeId: AttributeIds.DataType })
  const dtId = dt.value.value as { namespace: number; value: unknown; toString(): string } | null
  const dataType = dtId !== null && dtId.namespace === 0 && typeof dtId.value === 'number' ? (DataType[dtId.value] ?? String(dtId.value)) : (dtId?.toString() ?? 'unknown')
  const eu = (await browse(session, nodeId, 'HasProperty')).find((r) => r.browseName.name === 'EngineeringUnits')
  if (eu === undefined) return { nodeId, path, dataType }
  const info = (await session.read({ nodeId: eu.nodeId, attributeId: AttributeIds.Value })).value.value as { displayName?: { text?: string } } | null
  const unit = info?.displayName?.text ?? undefined
  return { nodeId, path, dataType, ...(unit === undefined || unit === null ? {} : { unit }) }
}

function render(url: string, found: readonly Found[], namespaces: readonly string[]): string {
  const ventNs = namespaces.indexOf(VENTILATOR_NAMESPACE_URI)
  const byDevice = new Map<string, Set<string>>()
  for (const f of found) {
    const parsed = parseVentilatorNodeId(f.nodeId)
    if (parsed === undefined || parsed.namespaceIndex !== ventNs) continue
    byDevice.set(parsed.deviceId, (byDevice.get(parsed.deviceId) ?? new Set()).add(parsed.path))
  }
  const layoutDevices = [...byDevice].filter(([, paths]) => VENTILATOR_OPCUA_VARIABLES.every((v) => paths.has(v.path))).map(([d]) => d)
  const lines = [`# ${found.length} variable(s) on ${url}; paste into a device entry (driver: opcua) and check each metric name.`]
  for (const d of layoutDevices) lines.push(`# ${d} follows the RHN ventilator layout: instead of nodes, write \`layout: ventilator\` with id: ${d}`)
  lines.push('nodes:')
  for (const f of found) {
    const parsed = ventNs < 0 ? undefined : parseVentilatorNodeId(f.nodeId)
    const metric = (parsed !== undefined ? opcuaVariableAt(parsed.path)?.metric : undefined) ?? f.path.split('.').slice(-2).join('/')
    lines.push(`  - { nodeId: ${JSON.stringify(f.nodeId)}, metric: ${metric} }  # ${f.dataType}${f.unit === undefined ? '' : `, ${f.unit}`}`)
  }
  return lines.join('\n') + '\n'
}
