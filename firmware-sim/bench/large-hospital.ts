/**
 * A 1,000-bed acute hospital for the scale benchmark (issue 3 "Scale"): 1,000 beds, 150 ventilators
 * over both protocols (100 OPC UA in ICU, 50 Modbus in HDU and isolation), 12 RFID PPE cabinets and an
 * ADT feed. Written as registry YAML so it goes through the same parser as a real site's file.
 */
export function largeHospitalRegistry(): string {
  const lines = ['region: { id: bench, name: Bench Region }', 'hospitals:', '  - id: RZZ', '    name: Large Teaching Hospital', '    gateways: [{ id: gw-rzz-1 }]', '    units:']
  let cabinets = 0
  const ppe = (id: string): void => {
    cabinets++
    lines.push(
      `              - id: ${id}-ppe`,
      '                kind: ppe-cabinet',
      '                capacity:',
      '                  ppe:',
      '                    - { item: ffp3-mask, gtin: "05012345000015", capacity: 1200, reorderPoint: 300 }',
      '                    - { item: gown, gtin: "05012345000039", capacity: 800, reorderPoint: 200 }',
      '                    - { item: gloves, gtin: "05012345000046", capacity: 4000, reorderPoint: 1000 }',
    )
  }
  const unit = (id: string, type: string, sections: { beds: number; vents?: [string, number]; cabinet?: boolean; adt?: boolean }[]): void => {
    lines.push(`      - id: ${id}`, `        name: ${id}`, `        type: ${type}`, '        sections:')
    sections.forEach((s, i) => {
      const sid = `${id}-s${i + 1}`
      lines.push(`          - id: ${sid}`, `            name: Section ${i + 1}`, '            components:')
      lines.push(`              - { series: { prefix: ${sid}-bed-, count: ${s.beds}, digits: 3 }, kind: bed, binding: { unitId: 1 } }`)
      if (s.vents !== undefined) lines.push(`              - { series: { prefix: ${sid}-vent-, count: ${s.vents[1]}, digits: 3 }, kind: ventilator, binding: { protocol: ${s.vents[0]} } }`)
      if (s.cabinet === true) ppe(sid)
      if (s.adt === true) lines.push(`              - { id: rzz-adt, kind: patient-flow }`)
    })
  }
  unit('rzz-icu', 'icu', [{ beds: 30, vents: ['opcua', 50], cabinet: true }, { beds: 30, vents: ['opcua', 50], cabinet: true }])
  unit('rzz-hdu', 'hdu', [{ beds: 20, vents: ['modbus', 20], cabinet: true }, { beds: 20, vents: ['modbus', 20] }])
  unit('rzz-iso', 'isolation', [{ beds: 40, vents: ['modbus', 10], cabinet: true }])
  unit('rzz-ed', 'ed', [{ beds: 60, cabinet: true, adt: true }])
  for (let w = 1; w <= 28; w++) unit(`rzz-ward-${w}`, 'ward', [{ beds: 14, cabinet: w % 4 === 0 }, { beds: 14 }])
  // 60+40+40+60 + 28 × 28 = 984 beds; 16 more in a short-stay ward.
  unit('rzz-ssu', 'ward', [{ beds: 16 }])
  if (cabinets !== 12) throw new Error(`expected 12 PPE cabinets, built ${cabinets}`)
  return lines.join('\n')
}

/** A busy winter day for that hospital, at the speed the benchmark runs it. */
export function largeHospitalScenario(speed: number): string {
  return `
name: bench-1000-beds
registry: ./inline.yaml
hospitals: [RZZ]
speed: ${speed}
surge: [{ atHours: 0, admissionsPerHour: 12 }, { atHours: 24, admissionsPerHour: 20 }]
opcua: { securityModes: [None], securityPolicies: [None] }
`
}
