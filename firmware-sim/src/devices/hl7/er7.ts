/**
 * ER7 ("pipe and hat") encoding helpers for HL7 v2.5.1: escaping, timestamps, segments.
 * Encoding characters are the standard `|^~\&` (HL7 v2.5.1 §2.5.4).
 */

/** Segment terminator (HL7 v2.5.1 §2.5.1: segments end with a carriage return, not CR LF). */
export const SEGMENT_SEPARATOR = '\r'

/** MSH-2: component `^`, repetition `~`, escape `\`, subcomponent `&` (§2.15.9.2). */
export const ENCODING_CHARACTERS = '^~\\&'

/**
 * Escapes a text value for a field or component (§2.7.4): delimiters become `\F\ \S\ \T\ \R\ \E\`.
 * Line breaks are folded to spaces: they would end the segment.
 */
export function escapeEr7(value: string): string {
  return value
    .replace(/\\/g, '\\E\\')
    .replace(/\|/g, '\\F\\')
    .replace(/\^/g, '\\S\\')
    .replace(/&/g, '\\T\\')
    .replace(/~/g, '\\R\\')
    .replace(/[\r\n]+/g, ' ')
}

/** Joins already-escaped components with `^`, dropping trailing empty ones (§2.5.3). */
export function components(...parts: readonly (string | undefined)[]): string {
  const out = parts.map((p) => p ?? '')
  while (out.length > 0 && out[out.length - 1] === '') out.pop()
  return out.join('^')
}

/**
 * A segment from its id and fields 1..n (`fields[0]` is field 1), trailing empty fields dropped.
 * Values must already be escaped.
 */
export function segment(id: string, fields: readonly (string | undefined)[]): string {
  const out = fields.map((f) => f ?? '')
  while (out.length > 0 && out[out.length - 1] === '') out.pop()
  return [id, ...out].join('|')
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0')

/**
 * DTM with millisecond precision and an explicit UTC offset (§2.A.22): `YYYYMMDDHHMMSS.SSS+0000`.
 * UTC keeps the value independent of the machine's time zone, so one seed gives one byte stream.
 */
export function hl7Timestamp(ms: number): string {
  const d = new Date(ms)
  const date = `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`
  const time = `${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`
  return `${date}${time}+0000`
}

/** `YYYY-MM-DD` to DT `YYYYMMDD` (§2.A.21); anything else is sent as digits only. */
export function hl7Date(isoDate: string): string {
  return isoDate.replace(/[^0-9]/g, '').slice(0, 8)
}
