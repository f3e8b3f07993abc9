/**
 * The error-code catalogues, one per package (house rule 6). Codes are stable: a caller matches
 * on `err.code`, never on the message. Each entry says when the error happens and what to do.
 *
 * The catalogues live in the contract package so every package, test and operator document
 * reads the same list; each package throws only codes from its own catalogue.
 */
export type ErrorCatalogue = Readonly<Record<string, string>>

/** `@rhn/protocols`: codecs, parsers and validators of the shared language. */
export const protocolErrors = {
  RHN_PROTO_TOPIC_INVALID: 'A Sparkplug topic does not follow spBv1.0/{group}/{type}/{edgeNode}[/{device}] or spBv1.0/STATE/{hostId}.',
  RHN_PROTO_PAYLOAD_INVALID: 'A Sparkplug payload could not be decoded (truncated, not protobuf, or a field of the wrong type).',
  RHN_PROTO_PAYLOAD_ENCODE: 'A Sparkplug payload could not be encoded (a metric value does not fit its datatype).',
  RHN_PROTO_SEQ_INVALID: 'A Sparkplug seq or bdSeq is outside 0-255.',
  RHN_PROTO_ALIAS_UNKNOWN: 'A DATA message used an alias that no BIRTH defined: ask the edge node for a rebirth.',
  RHN_PROTO_ALIAS_DUPLICATE: 'A BIRTH gave one alias to two metrics.',
  RHN_PROTO_METRIC_UNKNOWN: 'A metric name is not in the catalogue.',
  RHN_PROTO_YAML_SYNTAX: 'A YAML file could not be parsed; the message gives the line.',
  RHN_PROTO_REGISTRY_INVALID: 'An asset registry has problems; each is listed with its key path and line.',
  RHN_PROTO_CONFIG_INVALID: 'A config file or scenario has problems; each is listed with its key path and line.',
  RHN_PROTO_VALUE_INVALID: 'A value does not fit where it goes: a register value out of its type range, a bad GTIN, a bad OPC UA node id segment.',
  RHN_PROTO_REGISTER_MAP_INVALID: 'A Modbus register map has overlapping or out-of-range registers.',
  RHN_PROTO_LLRP_FRAMING: 'LLRP bytes could not be framed or decoded (bad version, message length or parameter length).',
} as const satisfies ErrorCatalogue

/** `@rhn/firmware-sim`: the device simulators. */
export const simErrors = {
  RHN_SIM_SCENARIO_INVALID: 'The scenario file has problems; each is listed with its key path and line.',
  RHN_SIM_PORT_IN_USE: 'A device could not listen: its port is taken. Choose another base port in the scenario.',
  RHN_SIM_DEVICE_FAILED: 'A simulated device failed to start or stopped unexpectedly, or was given a bad unit id or register map.',
  RHN_SIM_DEVICE_CONFIG_INVALID: 'A simulated device was constructed with a bad option; the message names the key.',
  RHN_SIM_OPCUA_CONFIG_INVALID: 'The OPC UA ventilator server was given bad security settings; the message names the key.',
  RHN_SIM_OPCUA_NAMESPACE_INDEX: 'The OPC UA server did not register urn:rhn:ventilator at namespace index 1, which the node ids assume.',
  RHN_SIM_OPCUA_STOPPED: 'The OPC UA ventilator server was started or faulted after stop().',
  RHN_SIM_LLRP_BAD_INIT: 'The LLRP reader was given a bad option (antennas, miss rate, report interval); the message names the key.',
  RHN_SIM_LLRP_NOT_STARTED: 'The LLRP reader could not listen on its port.',
} as const satisfies ErrorCatalogue

/** `@rhn/edge-agent`: `rhn-edge`. */
export const edgeErrors = {
  RHN_EDGE_CONFIG_INVALID: 'The agent config has problems; each is listed with its key path and line.',
  RHN_EDGE_DRIVER_UNKNOWN: 'A device names a driver the agent does not have.',
  RHN_EDGE_DEVICE_UNREACHABLE: 'A device did not answer within its timeout; the agent backs off and retries.',
  RHN_EDGE_DEVICE_PROTOCOL: 'A device answered with an exception, a short frame or a malformed message.',
  RHN_EDGE_OUTBOX_FULL: 'The outbox reached its byte limit; the configured policy dropped readings (counted).',
  RHN_EDGE_OUTBOX_CLOSED: 'A reading was appended after the outbox was closed (the agent is shutting down).',
  RHN_EDGE_OUTBOX_CORRUPT: 'An outbox segment failed its checksum; the torn tail was truncated.',
  RHN_EDGE_BROKER: 'The MQTT broker refused the connection or is unreachable.',
  RHN_EDGE_FILE_UNREADABLE: 'A file the config names (password, key, TLS certificate) cannot be read; the message names the key and the path.',
} as const satisfies ErrorCatalogue

/** `@rhn/aggregator`: `rhn-aggregator`. */
export const aggregatorErrors = {
  RHN_AGG_CONFIG_INVALID: 'The aggregator config has problems; each is listed with its key path and line.',
  RHN_AGG_STORE_UNAVAILABLE: 'The telemetry store did not accept a write; points are spilled to disk and replayed.',
  RHN_AGG_BAD_PARAMETER: 'An API request has a bad parameter; the message names it.',
  RHN_AGG_UNAUTHORIZED: 'An API request has no valid bearer token.',
  RHN_AGG_FORBIDDEN: 'The bearer token is valid but its role may not do this.',
  RHN_AGG_NOT_FOUND: 'No asset, alarm or scope with that id.',
  RHN_AGG_LEDGER_UNAVAILABLE: 'No ledger link is configured, its submission queue is full, or the patient key file is missing; the message says which.',
  RHN_AGG_LEDGER_REJECTED: 'The ledger node refused a transaction; the message carries the node\'s code and reason.',
  RHN_AGG_NO_DELEGATE: 'Region mode: a recommendation cannot be filed because ledger.delegates names no node for the hospital that would request it (409); the message names the hospital.',
  RHN_AGG_REBALANCE_INPUT: 'The rebalancing input is malformed (a count not a whole number, occupied above total, a bad GTIN or ODS code, a duplicate hospital); the message names each path.',
  RHN_AGG_REBALANCE_SOLVER: 'The HiGHS solver did not load, failed, or found no solution within its time limit; the message names the solve stage.',
} as const satisfies ErrorCatalogue

/** `@rhn/ledger`: `rhn-ledger`. */
export const ledgerErrors = {
  RHN_LEDGER_CONFIG_INVALID: 'The ledger node config has problems; each is listed with its key path and line.',
  RHN_LEDGER_GENESIS_INVALID: 'The genesis file is malformed or its members do not verify.',
  RHN_LEDGER_NOT_MEMBER: 'A block, transaction or peer is not from a consortium member.',
  RHN_LEDGER_BAD_SIGNATURE: 'A signature does not verify against the member key.',
  RHN_LEDGER_BAD_LINK: 'A block does not link to the previous block of its chain.',
  RHN_LEDGER_EQUIVOCATION: 'A member signed two different blocks at one height; evidence is kept.',
  RHN_LEDGER_STORE_CORRUPT: 'A block store record failed its checksum; the torn tail was truncated.',
  RHN_LEDGER_MALFORMED_BLOCK: 'A block is not valid canonical JSON of the block schema, or its transaction count or Merkle root does not match its transactions.',
  RHN_LEDGER_OVERSIZED_BLOCK: 'A block is larger than block.maxBytes; it is refused before it is parsed.',
  RHN_LEDGER_WRONG_CONSORTIUM: 'A block names another consortium than this genesis; it cannot be replayed here.',
  RHN_LEDGER_BAD_TX: 'A block carries a transaction its member may not write (e.g. a submission authored by another hospital).',
  RHN_LEDGER_STALE_BLOCK: 'A block is at or below a height already held for its chain (a replay); it is ignored.',
  RHN_LEDGER_KEY_INVALID: 'A member or peer key file is missing, unreadable, not Ed25519, or not the key the genesis lists for this member.',
  RHN_LEDGER_STORE_IO: 'The block store could not read or write its files (disk full, permissions, or the store is closed).',
  RHN_LEDGER_TX_INVALID: 'A submitted transaction does not match its schema (POST /api/txs answers 400); the message names the field path.',
  RHN_LEDGER_BAD_PARAMETER: 'An API request has a bad path or query parameter (400); the message names it.',
  RHN_LEDGER_UNAUTHORIZED: 'A submission has no bearer token, or not the one in api.tokenFile (401).',
  RHN_LEDGER_FORBIDDEN: 'A submission is authored by another hospital than this node\'s member (403): a node writes only its own member\'s transactions.',
  RHN_LEDGER_NOT_FOUND: 'No transaction, block or route with that id on this node (404).',
  RHN_LEDGER_NOT_RUNNING: 'The ledger node is not started, or is stopping: it cannot take submissions now (503).',
  RHN_LEDGER_MEMPOOL_FULL: 'The node holds as many unwritten transactions as it may; retry after its next blocks (503).',
  RHN_LEDGER_NET_START: 'The libp2p node could not start: a listen address is invalid or in use, or a bootstrap address is not a member peer\'s /…/p2p/<peer id>.',
  RHN_LEDGER_SYNC_REFUSED: 'A peer refused a /rhn/ledger/sync/1.0.0 request: malformed, max above its sync.batchBlocks, or not from a member; the message carries its reason.',
  RHN_LEDGER_SYNC_FAILED: 'A /rhn/ledger/sync/1.0.0 request failed: the peer is unreachable or not a member, did not answer within sync.timeoutMs, or sent a malformed or oversized frame.',
} as const satisfies ErrorCatalogue

/** Every catalogue by package, for documentation and for tests that prove codes are unique. */
export const errorCatalogues = {
  '@rhn/protocols': protocolErrors,
  '@rhn/firmware-sim': simErrors,
  '@rhn/edge-agent': edgeErrors,
  '@rhn/aggregator': aggregatorErrors,
  '@rhn/ledger': ledgerErrors,
} as const

export type ProtocolErrorCode = keyof typeof protocolErrors
