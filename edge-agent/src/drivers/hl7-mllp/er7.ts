/**
 * A small ER7 ("pipe and hat") reader for HL7 v2.5.1: segments, fields, repetitions, components and
 * escapes (§2.5, §2.7). Internal to the plugin: only `adt.ts` uses it, inside one synchronous call,
 * so message text never outlives the parse (see README, "Privacy by construction").
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

/** Escapes text for a field we write (§2.7.4), with the standard delimiters; line breaks become spaces. */
export function escapeEr7(value: string): string {
  return value
    .replace(/\\/g, '\\E\\')
    .replace(/\|/g, '\\F\\')
    .replace(/\^/g, '\\S\\')
    .replace(/&/g, '\\T\\')
    .replace(/~/g, '\\R\\')
    .replace(/[\r\n]+/g, ' ')
}
