// The hospital model feeds two other parts of the simulator as they are: its ADT events go to the
// HL7 sender, its cabinets to the LLRP reader. These tests keep the shapes from drifting apart.
import { describe, expect, it } from 'vitest'
import { type AdtSource, buildAdtMessage } from '../src/devices/hl7/index.js'
import type { TagSource } from '../src/devices/llrp/index.js'
import { exampleScenario, HOUR_MS, rig } from './hospital-support.js'

describe('hospital model ⇄ device contracts', () => {
  it('emits ADT events the HL7 sender turns into messages carrying the NHS number, unit and bed', () => {
    const r = rig('RXC', exampleScenario('winter-surge'))
    const source: AdtSource = r.model // compile-time: the model is an ADT source
    expect(source).toBeDefined()
    r.model.start()
    r.clock.advance(6 * HOUR_MS)
    const transfer = r.events.find((e) => e.type === 'A02' && e.bedId !== '')
    for (const e of [r.events[0]!, ...(transfer === undefined ? [] : [transfer])]) {
      const msg = buildAdtMessage(e, { hospitalId: 'RXC', receivingApplication: 'RHN-EDGE', receivingFacility: 'RXC', controlId: '1', messageTime: e.at })
      const pid = msg.split('\r').find((s) => s.startsWith('PID|'))!
      const pv1 = msg.split('\r').find((s) => s.startsWith('PV1|'))!
      expect(pid).toContain(e.patient.nhsNumber)
      expect(pid).toContain(e.patient.familyName)
      expect(pv1).toContain(e.toUnit)
      if (e.bedId !== '') expect(pv1).toContain(e.bedId)
    }
    r.model.stop()
  })

  it('gives the LLRP reader cabinets it can read as tag sources', () => {
    const r = rig('RXC', exampleScenario('winter-surge'))
    r.model.start()
    const sources: readonly TagSource[] = r.model.cabinets() // compile-time: a cabinet is a tag source
    expect(sources.map((s) => (s as { id?: string }).id)).toEqual(['rxc-ed-majors-ppe-1', 'rxc-icu-bay-a-ppe-1', 'rxc-iso-rooms-ppe-1'])
    expect(sources.every((s) => s.items().length > 0)).toBe(true)
    r.model.stop()
  })
})
