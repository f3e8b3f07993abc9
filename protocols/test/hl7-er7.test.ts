import { describe, expect, it } from 'vitest'
import { er7Segment, escapeEr7, fieldOf, hl7Timestamp, SEGMENT_SEPARATOR, splitEr7, STANDARD_DELIMITERS, unescapeEr7 } from '@rhn/protocols'

describe('ER7 encoding shared by the ADT feed and the MLLP listener', () => {
  it('escapes what the writer sends so the reader gets the text back, delimiters included', () => {
    const text = 'O|Brien ^ Smith & Co ~ \\ ward'
    const msg = [er7Segment('MSH', ['^~\\&', 'RHN-SIM']), er7Segment('PID', ['1', '', escapeEr7(text)])].join(SEGMENT_SEPARATOR)
    const parsed = splitEr7(msg)!
    expect(parsed.delimiters).toEqual(STANDARD_DELIMITERS)
    expect(unescapeEr7(fieldOf(parsed.segments[1], 3), parsed.delimiters)).toBe(text)
  })

  it('refuses text that does not start with an MSH declaring its delimiters', () => {
    expect(splitEr7('PID|1||X')).toBeUndefined()
    expect(splitEr7('MSH|^^^^|X')).toBeUndefined()
  })

  it('writes timestamps in UTC with milliseconds and an explicit offset', () => {
    expect(hl7Timestamp(Date.UTC(2025, 0, 13, 6, 5, 4, 3))).toBe('20250113060504.003+0000')
  })
})
