import './polyfill.js'
/**
 * `@rhn/ledger` — the hospitals' permissioned consortium ledger (issue 6): membership from a
 * genesis file, Ed25519-signed hash-linked chains per consensus node, endorsement quorums (> 2/3),
 * libp2p gossipsub for fresh blocks and `/rhn/ledger/sync/1.0.0` for catch-up, durable storage,
 * an HTTP API, and the client of that API.
 */
export { LedgerClient, LedgerClientError, DEFAULT_CLIENT_TIMEOUT_MS, type LedgerClientInit } from './client.js'
export { LedgerError, BLOCK_FAULT_CODES, type LedgerErrorCode } from './errors.js'
export type { LedgerNode, LedgerNodeInit, LedgerMetrics } from './node/types.js'
export { createLedgerNode, MAX_MEMPOOL_TXS, ANTI_ENTROPY_MS, CONFIRM_LOG_FILE } from './node/ledger-node.js'
export { ConfirmedState, STATE_ADMISSION_HOURS, MAX_STATE_RECENT, DEFAULT_STATE_RECENT, addAdmissions } from './node/state.js'
export { certificateProblem, buildCertificate, endorsementTx } from './node/certificate.js'
export { canonicalJson, canonicalBytes, canonicalHash, sha256Hex } from './chain/canonical.js'
export { merkleRoot, merkleProof, verifyMerkleProof, EMPTY_MERKLE_ROOT } from './chain/merkle.js'
export { membershipFromGenesis, loadGenesis, chainId, ed25519PublicKeyFromBase64, ed25519PublicKeyBase64 } from './chain/membership.js'
export { generateMemberKey, generatePeerKey, writeKeyFile, parseMemberKey, loadMemberKey, loadPeerKey, type MemberKey, type PeerKey } from './chain/keys.js'
export {
  createBlock,
  encodeBlock,
  decodeBlock,
  checkLink,
  linkProblem,
  blockRef,
  BLOCK_SIGNING_DOMAIN,
  DEFAULT_MAX_BLOCK_BYTES,
  MAX_BACKWARD_TIME_MS,
  type CreateBlockInit,
  type DecodeBlockOptions,
  type DecodeResult,
} from './chain/block.js'
export {
  createLedgerNetwork,
  SYNC_MAX_STREAMS,
  type LedgerNetworkInit,
  type LedgerNetworkNode,
} from './net/create.js'
export { blocksTopic } from './net/gossip.js'
export { SYNC_PROTOCOL, type SyncRequest, type PeerAddresses } from './net/sync-wire.js'
export { openChainStore, FileChainStore, type ChainStoreInit } from './store/file-store.js'
export { type FsyncMode } from './store/append-file.js'
export { type SignedRef, LAST_SIGNED_FILE } from './store/last-signed.js'
export { type Evidence } from './store/load.js'
export { verifyDataDir, type VerifyReport, type ChainReport } from './verify.js'
export { createLedgerApi, parseSubmission, prometheusText, STATUS_OF_CODE, MIN_TOKEN_LENGTH, MAX_CONFIRMED_LIMIT, DEFAULT_CONFIRMED_LIMIT, type LedgerApiNode, type LedgerApiOptions } from './api/index.js'
