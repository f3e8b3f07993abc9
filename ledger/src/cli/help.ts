/** The help texts of `rhn-ledger` and of each subcommand. */

/** `rhn-ledger --help`. */
export const HELP = `Usage: rhn-ledger <command> [options]

The hospitals' permissioned consortium ledger: each consensus node writes its own signed,
hash-linked chain; transactions between hospitals are confirmed by endorsements from more than
2/3 of the consortium's nodes. Members, keys and peer ids are fixed by a genesis file.

Commands:
  keygen --out DIR [--member ID] [--force]
                           create a node's keys: member.key, peer.key, api.token, public.yaml
  genesis --consortium ID --member ID:NAME:KEYDIR ... --out FILE
  genesis --members FILE --out FILE
                           write the genesis file from the members' key folders
  run --config FILE        run a node and its HTTP API (Ctrl-C or SIGTERM stops it cleanly)
  status [--url URL] [--json]
                           a running node: member, peers, chain heads, pending and confirmed counts
  inspect [--url URL] [--chain C] [--tx ID] [--json]
                           chains, heads, pending and confirmed transactions; a transaction with
                           its certificate
  verify --data DIR --genesis FILE
                           re-check every block, signature and link on disk (offline)

Options:
  --verbose                debug logging (run; logs are JSON on stderr)
  -h, --help               this help (also: rhn-ledger <command> --help)

Exit codes: 0 ok, 1 a check failed (verify, unknown tx) or a run-time failure,
2 bad usage, or an unreadable or invalid config, genesis or key file.
Example: rhn-ledger keygen --out keys/rxa --member RXA`

/** `rhn-ledger <command> --help`. */
export const COMMAND_HELP: Readonly<Record<string, string>> = Object.freeze({
  keygen: `Usage: rhn-ledger keygen --out DIR [--member ID] [--force]

Creates one consensus node's keys in DIR, each private file with mode 0600:
  member.key   Ed25519 private key (PKCS#8 PEM): signs this node's blocks (config keyFile)
  peer.key     libp2p identity: fixes the peer id the genesis lists (config peerKeyFile)
  api.token    bearer token for submissions to this node's API (config api.tokenFile)
  public.yaml  the public key and peer id: the only file to send to whoever writes the genesis
Prints the public key (base64) and the peer id. Existing keys are never replaced without --force.`,
  genesis: `Usage: rhn-ledger genesis --consortium ID --member ID:NAME:KEYDIR [--member …] --out FILE [--force]
       rhn-ledger genesis --members FILE --out FILE [--force]

Writes the consortium's genesis (YAML, identical on every node) from each node's key folder
(written by keygen; only public.yaml is needed). Repeat --member with the same ID for a
member's second node. A members FILE lists: consortiumId, and members: [{id, name, nodes: [KEYDIR…]}],
folders relative to the file. The result is checked as every node will check it.`,
  run: `Usage: rhn-ledger run --config FILE [--verbose]

Checks the config, the genesis it names and the API token file (every problem with its key and
line; exit 2), starts the node (libp2p, catch-up, block production) and its HTTP API, and prints
the peer id, the p2p addresses and the API URL. SIGINT or SIGTERM stops it cleanly, exit 0.
Relative paths in the config are relative to its folder.`,
  status: `Usage: rhn-ledger status [--url URL] [--json]

Asks a running node (default ${'http://127.0.0.1:8090'}) for its status: consortium, member, peer id,
addresses, connected member peers, quorum, pending and confirmed counts, and every chain head.`,
  inspect: `Usage: rhn-ledger inspect [--url URL] [--chain C] [--tx ID] [--json]

Without --chain or --tx: every chain head, the pending count and the latest confirmed transactions.
--chain C: the newest blocks of chain C (e.g. RXA-0) and the status of each transaction in them.
--tx ID: one transaction, its block, its endorsements and its quorum certificate. Exit 1 if unknown.`,
  verify: `Usage: rhn-ledger verify --data DIR --genesis FILE

Offline: re-reads every chain file in a node's data folder and re-checks every record checksum,
block signature, hash link and Merkle root against the genesis. Prints per chain the blocks, the
head and any problem (with the height). Exit 0 when all is sound, 1 on any problem.`,
})
