/**
 * ER7 ("pipe and hat") encoding for HL7 v2.5.1, shared by the simulated ADT feed (which writes it) and
 * the agent's MLLP listener (which reads it and writes ACKs): delimiters, escapes (§2.7.4), segments,
 * timestamps. Pure functions; the reader keeps no message text beyond the call that parses it.
 */

/** Delimiters declared in MSH-1 and MSH-2 (§2.5.4). */
export interface Delimiters {
  field: string
  component: string
  repetition: string
  escape: string
  subcomponent: string
}

/** A message split into segments; fields are read on demand. */
export interface Er7 {
  delimiters: Delimiters
  /** Segments in order, each as its field list: `[segmentId, field1, field2, …]` (for MSH, `[MSH, MSH-1, MSH-2, …]`). */
  segments: string[][]
}

/** Standard delimiters `|^~\&`, used for what we write (ACKs). */
export const STANDARD_DELIMITERS: Delimiters = { field: '|', component: '^', repetition: '~', escape: '\\', subcomponent: '&' }

/**
 * Splits ER7 text. Returns undefined when the text does not begin with an MSH segment carrying its
 * delimiters (§2.15.9: MSH-1 field separator, MSH-2 the four encoding characters).
 */
export function splitEr7(text: string): Er7 | undefined {
  // §2.5.1: segments end with CR; LF and CR LF are tolerated, as many interface engines send them.
  const lines = text.split(/\r\n|\r|\n/).filter((l) => l.length > 0)
  const msh = lines[0]
  if (msh === undefined || !msh.startsWith('MSH') || msh.length < 8) return undefined
  const field = msh.charAt(3)
  const enc = msh.slice(4, 8)
  const d: Delimiters = { field, component: enc.charAt(0), repetition: enc.charAt(1), escape: enc.charAt(2), subcomponent: enc.charAt(3) }
  const all = [d.field, d.component, d.repetition, d.escape, d.subcomponent]
  if (new Set(all).size !== 5 || all.some((c) => /[A-Za-z0-9\s]/.test(c))) return undefined
  const segments = lines.map((l) => l.split(field))
  // MSH-1 is the field separator itself, so MSH's fields shift by one: MSH-n is at index n.
  segments[0] = ['MSH', field, ...segments[0]!.slice(1)]
  return { delimiters: d, segments }
}

/** Field `n` (1-based) of a segment, '' when absent. */
export const fieldOf = (segment: readonly string[] | undefined, n: number): string => segment?.[n] ?? ''

/** Component `n` (1-based) of a field value, '' when absent. */
export const componentOf = (value: string, n: number, d: Delimiters): string => value.split(d.component)[n - 1] ?? ''

/** Repetitions of a field value. */
export const repetitionsOf = (value: string, d: Delimiters): string[] => (value === '' ? [] : value.split(d.repetition))

/** Resolves escape sequences in a primitive value (§2.7.4); hex, highlighting and unknown escapes are dropped. */
export function unescapeEr7(value: string, d: Delimiters): string {
  if (!value.includes(d.escape)) return value
  const e = d.escape.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return value.replace(new RegExp(`${e}([^${e}]*)${e}`, 'g'), (_, code: string) => {
    const map: Record<string, string> = { F: d.field, S: d.component, T: d.subcomponent, R: d.repetition, E: d.escape }
    return map[code] ?? ''
  })
}

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
