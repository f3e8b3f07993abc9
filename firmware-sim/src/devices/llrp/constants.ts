/**
 * Numbers only the simulated reader needs; the LLRP 1.0.1 numbers both sides speak are in
 * `@rhn/protocols` (its `llrp` codec and constants).
 */

/** Manufacturer id the reader reports in its capabilities: 0 is no IANA enterprise (a simulator, not a vendor). */
export const SIM_MANUFACTURER = 0

/** Largest frame the reader accepts from a client: a ROSpec is a few hundred bytes; this bounds memory. */
export const MAX_INBOUND_FRAME_BYTES = 1024 * 1024 // 1 MiB
