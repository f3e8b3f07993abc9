// Public surface of the HL7 v2 helpers.
export {
  type Delimiters,
  type Er7,
  STANDARD_DELIMITERS,
  SEGMENT_SEPARATOR,
  ENCODING_CHARACTERS,
  splitEr7,
  fieldOf,
  componentOf,
  repetitionsOf,
  unescapeEr7,
  escapeEr7,
  components as er7Components,
  segment as er7Segment,
  hl7Timestamp,
  hl7Date,
} from './er7.js'
