import { MAX_READ_COUNT } from '@rhn/protocols'

/**
 * Modbus function and exception codes, with the limits the simulator enforces.
 * Sources: MODBUS Application Protocol Specification V1.1b3 (§ numbers below, "AP") and
 * MODBUS Messaging on TCP/IP Implementation Guide V1.0b ("IG").
 */

/** The public function codes the simulator serves (AP §5.1, §6). Anything else answers exception 01. */
export const FunctionCode = {
  /** AP §6.1 */
  ReadCoils: 0x01,
  /** AP §6.2 */
  ReadDiscreteInputs: 0x02,
  /** AP §6.3 */
  ReadHoldingRegisters: 0x03,
  /** AP §6.4 */
  ReadInputRegisters: 0x04,
  /** AP §6.5 */
  WriteSingleCoil: 0x05,
  /** AP §6.6 */
  WriteSingleRegister: 0x06,
  /** AP §6.11 */
  WriteMultipleCoils: 0x0f,
  /** AP §6.12 */
  WriteMultipleRegisters: 0x10,
} as const
/** One of {@link FunctionCode}. */
export type FunctionCode = (typeof FunctionCode)[keyof typeof FunctionCode]

/**
 * Exception codes (AP §7). An exception response is the function code with bit 7 set (+0x80)
 * followed by one of these (AP §7, "Exception response" figure).
 */
export const ExceptionCode = {
  /** 01: function code not supported by the server (AP §7). */
  IllegalFunction: 0x01,
  /** 02: an address in the request range is not an allowable address (AP §7; §6.x state diagrams). */
  IllegalDataAddress: 0x02,
  /** 03: a quantity out of range or a malformed/incorrect implied length (AP §7; §6.x state diagrams). */
  IllegalDataValue: 0x03,
  /** 04: an unrecoverable error while the server performed the action (AP §7). */
  ServerDeviceFailure: 0x04,
  /** 0x0A: a gateway could not allocate a path to the target; "misconfigured or overloaded" (AP §7). */
  GatewayPathUnavailable: 0x0a,
  /** 0x0B: a gateway got no response from the target; "device is not present on the network" (AP §7). */
  GatewayTargetFailedToRespond: 0x0b,
} as const
/** One of {@link ExceptionCode}. */
export type ExceptionCode = (typeof ExceptionCode)[keyof typeof ExceptionCode]

/** Added to the function code in an exception response (AP §7). */
export const EXCEPTION_FLAG = 0x80

/**
 * Most items one request may carry (AP §6). Reads take `MAX_READ_COUNT` from `@rhn/protocols`, the
 * limit the agent's coalescing uses, so both sides agree; writes are smaller because the request
 * also carries the data: FC15 1..1968 (0x7B0) coils (§6.11), FC16 1..123 (0x7B) registers (§6.12).
 */
export const QUANTITY_LIMIT = {
  readBits: MAX_READ_COUNT.coil, // 2000 = 0x7D0, §6.1 and §6.2
  readRegisters: MAX_READ_COUNT.holding, // 125 = 0x7D, §6.3 and §6.4
  writeBits: 1968, // 0x7B0, §6.11
  writeRegisters: 123, // 0x7B, §6.12
} as const

/** MBAP header: transaction id (2), protocol id (2), length (2), unit id (1) bytes (IG §3.1.3). */
export const MBAP_HEADER_BYTES = 7

/** Largest PDU: 253 bytes, inherited from the serial line ADU limit of 256 (AP §4.1). */
export const MAX_PDU_BYTES = 253

/** Protocol identifier of MODBUS in the MBAP header (IG §3.1.3). */
export const MODBUS_PROTOCOL_ID = 0

/** FC05 ON and OFF values; any other value is exception 03 (AP §6.5). */
export const COIL_ON = 0xff00
/** FC05 OFF value (AP §6.5). */
export const COIL_OFF = 0x0000
