/**
 * `llrp` driver plugin: RFID PPE cabinets over LLRP 1.0.1 (issue 4). See README.md.
 */
export { createLlrpDriver, LLRP_KEEPALIVE_MS, LLRP_ROSPEC_ID, LLRP_ROUND_MS } from './driver.js'
export { StockTracker, type GtinCounts, type StockChange } from './stock.js'
export { gtinOfEpc } from './epc.js'
