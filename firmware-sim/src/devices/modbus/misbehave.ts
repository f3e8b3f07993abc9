import { EXCEPTION_FLAG, FunctionCode } from './codes.js'

/**
 * Protocol faults a unit can be told to commit, so the agent's driver can prove it detects, counts
 * and logs bad answers:
 * - `exception`: every request answers exception 04 Server Device Failure.
 * - `short-frame`: the response PDU loses its last two bytes; the MBAP length matches what is sent,
 *   so the frame is well delimited but shorter than its byte count or function code demands.
 * - `wrong-count`: reads return one item more than asked (byte count consistent with the data,
 *   inconsistent with the quantity); FC15/FC16 echo quantity + 1. FC05/FC06 carry no count and answer normally.
 */
export type Misbehaviour = 'exception' | 'short-frame' | 'wrong-count'

/** Every {@link Misbehaviour}, for validation and docs. */
export const MISBEHAVIOURS: readonly Misbehaviour[] = ['exception', 'short-frame', 'wrong-count']

/** Applies `mode` to a normal (non-exception) response PDU; exception responses pass unchanged. */
export function applyMisbehaviour(mode: Exclude<Misbehaviour, 'exception'>, response: Buffer): Buffer {
  const fc = response.readUInt8(0)
  if ((fc & EXCEPTION_FLAG) !== 0) return response
  if (mode === 'short-frame') return response.subarray(0, Math.max(1, response.length - 2))
  switch (fc) {
    case FunctionCode.ReadCoils:
    case FunctionCode.ReadDiscreteInputs:
    case FunctionCode.ReadHoldingRegisters:
    case FunctionCode.ReadInputRegisters: {
      const extra = fc <= FunctionCode.ReadDiscreteInputs ? 1 : 2 // one more byte of bits, or one more register
      const out = Buffer.concat([response, Buffer.alloc(extra)])
      out.writeUInt8((response.readUInt8(1) + extra) & 0xff, 1)
      return out
    }
    case FunctionCode.WriteMultipleCoils:
    case FunctionCode.WriteMultipleRegisters: {
      const out = Buffer.from(response)
      out.writeUInt16BE((response.readUInt16BE(3) + 1) & 0xffff, 3)
      return out
    }
    default:
      return response
  }
}
