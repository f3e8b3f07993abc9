import { BED_MODBUS_MAP, ventilatorModbusMap, type VentilatorMapVariant } from '@rhn/protocols'
import type { Endpoint } from '../types.js'
import type { GapPolicy } from './map-bank.js'
import { ModbusGatewayServer, type ModbusLogger, type ModbusUnit } from './server.js'

/** Loopback: the simulator only ever serves the machine it runs on. */
export const DEFAULT_MODBUS_HOST = '127.0.0.1'

/** Where a factory-built server listens; `kind`, `protocol`, `address` and `components` are filled in. */
export interface ModbusEndpointInit {
  /** Endpoint id, e.g. `rxa-icu-bay-a/beds`. */
  readonly id: string
  readonly hospitalId: string
  /** Default {@link DEFAULT_MODBUS_HOST}. */
  readonly host?: string
  /** Default 0: any free port, readable from `server.endpoint.port` after `start()`. */
  readonly port?: number
  /** Overrides the factory's description of the device. */
  readonly kind?: string
}

/** A device behind the gateway; the factory supplies the register map. */
export type ModbusUnitBinding = Omit<ModbusUnit, 'map'>

/** Options common to both factories. */
export interface ModbusFactoryInit {
  readonly endpoint: ModbusEndpointInit
  readonly logger?: ModbusLogger
  readonly gaps?: GapPolicy
}

function endpointOf(init: ModbusEndpointInit, kind: string): Endpoint {
  const host = init.host ?? DEFAULT_MODBUS_HOST
  const port = init.port ?? 0
  return { id: init.id, hospitalId: init.hospitalId, protocol: 'modbus', kind: init.kind ?? kind, host, port, address: `modbus://${host}:${port}`, components: [] }
}

/** A ward section's bed-controller gateway: {@link BED_MODBUS_MAP}, one unit id per bed. */
export function bedControllerServer(init: ModbusFactoryInit & { readonly beds: readonly ModbusUnitBinding[] }): ModbusGatewayServer {
  return new ModbusGatewayServer({
    endpoint: endpointOf(init.endpoint, 'Modbus TCP bed controller'),
    units: init.beds.map((b) => ({ ...b, map: BED_MODBUS_MAP })),
    logger: init.logger,
    gaps: init.gaps,
  })
}

/**
 * Serial-to-Modbus-TCP protocol converter in front of older ventilators: the ventilator map in the
 * given 32-bit layout variant (default as shipped: int32 ABCD, float32 CDAB), one unit id per ventilator.
 */
export function ventilatorConverterServer(
  init: ModbusFactoryInit & { readonly ventilators: readonly ModbusUnitBinding[]; readonly variant?: VentilatorMapVariant },
): ModbusGatewayServer {
  const map = ventilatorModbusMap(init.variant ?? 'default')
  return new ModbusGatewayServer({
    endpoint: endpointOf(init.endpoint, 'Modbus TCP ventilator protocol converter'),
    units: init.ventilators.map((v) => ({ ...v, map })),
    logger: init.logger,
    gaps: init.gaps,
  })
}
