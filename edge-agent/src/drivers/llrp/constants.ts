/**
 * Numbers only the driver needs; the LLRP 1.0.1 numbers both sides speak are in `@rhn/protocols`
 * (its `llrp` codec and constants).
 */

/** Largest frame accepted from a reader: a report of ~2,000 tags is ~60 KiB; this bounds memory. */
export const MAX_FRAME_BYTES = 4 * 1024 * 1024 // 4 MiB
