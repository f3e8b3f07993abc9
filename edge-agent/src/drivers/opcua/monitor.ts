/**
 * Getting values out of a session: a subscription with one monitored item per variable (OPC 10000-4
 * §5.12–5.13), server-side deadband where the server takes it, or polling with the Read service when
 * the server has no subscriptions to give.
 */
import type { OpcuaDeviceConfig } from '@rhn/protocols'
import {
  AttributeIds,
  DataChangeFilter,
  DataChangeTrigger,
  DeadbandType,
  StatusCodes,
  TimestampsToReturn,
  type ClientSession,
  type ClientSubscription,
  type DataValue,
  type StatusCode,
} from 'node-opcua'
import type { NodeBinding } from './bindings.js'

/**
 * Publishing intervals without data before the server sends a keep-alive (OPC 10000-4 §5.13.1.1).
 * 10 keeps idle traffic low; the watchdog below waits three of these before calling the session dead.
 */
const MAX_KEEP_ALIVE_COUNT = 10
/** Lifetime count: must be ≥ 3 × keep-alive count (OPC 10000-4 §5.13.2.2). */
const LIFETIME_COUNT = MAX_KEEP_ALIVE_COUNT * 6
/** Queue per item: a few samples, so a burst between two publishes is not reduced to its last value. */
const QUEUE_SIZE = 10

/** Item results that mean "not this filter", after which the item is created without a deadband. */
const FILTER_REJECTED: ReadonlySet<number> = new Set(
  [StatusCodes.BadFilterNotAllowed, StatusCodes.BadMonitoredItemFilterUnsupported, StatusCodes.BadMonitoredItemFilterInvalid, StatusCodes.BadDeadbandFilterInvalid].map((s) => s.value),
)

/** Sampling settings of the entries sharing a session (the first entry's, see README). */
export type MonitorSettings = Pick<OpcuaDeviceConfig, 'samplingIntervalMs' | 'publishingIntervalMs' | 'deadband' | 'timeoutMs'>

/** Where values and problems go. */
export interface MonitorSink {
  value(binding: NodeBinding, dataValue: DataValue): void
  /** A variable the server would not monitor (unknown node, no access). */
  itemFailed(binding: NodeBinding, status: StatusCode): void
  /** The subscription died or went silent: rebuild everything. */
  lost(reason: string): void
}

/** A running subscription or poll loop. */
export interface Monitor {
  readonly mode: 'subscription' | 'polling'
  /** Items created with the server-side deadband (0 when none was asked for or none was accepted). */
  readonly deadbandItems: number
  close(): Promise<void>
}

/**
 * Creates a subscription and monitored items for every binding.
 * @throws when the server refuses subscriptions altogether; the caller falls back to {@link poll}.
 */
export async function subscribe(session: ClientSession, bindings: readonly NodeBinding[], s: MonitorSettings, sink: MonitorSink): Promise<Monitor> {
  const subscription = await session.createSubscription2({
    requestedPublishingInterval: s.publishingIntervalMs,
    requestedMaxKeepAliveCount: MAX_KEEP_ALIVE_COUNT,
    requestedLifetimeCount: LIFETIME_COUNT,
    maxNotificationsPerPublish: 0,
    publishingEnabled: true,
    priority: 10,
  })
  let closing = false
  let lastActivity = Date.now()
  const touch = (): void => void (lastActivity = Date.now())
  subscription.on('keepalive', touch)
  subscription.on('received_notifications', touch)
  subscription.on('terminated', () => closing || sink.lost('the server terminated the subscription'))
  try {
    const filter = s.deadband === undefined ? undefined : new DataChangeFilter({
      trigger: DataChangeTrigger.StatusValue,
      deadbandType: s.deadband.type === 'absolute' ? DeadbandType.Absolute : DeadbandType.Percent,
      deadbandValue: s.deadband.value,
    })
    const rejected = await monitor(subscription, bindings, s.samplingIntervalMs, filter, sink)
    // Percent deadband needs an EURange and only numbers have one (OPC 10000-8 §6.2): other items go without.
    const failed = rejected.length === 0 ? [] : await monitor(subscription, rejected, s.samplingIntervalMs, undefined, sink)
    for (const b of failed) sink.itemFailed(b, StatusCodes.BadFilterNotAllowed)
    const deadbandItems = filter === undefined ? 0 : bindings.length - rejected.length
    // Watchdog: a server that stops publishing without closing the connection is as dead as one that closed it.
    const period = s.publishingIntervalMs * MAX_KEEP_ALIVE_COUNT
    const watchdog = setInterval(() => {
      if (Date.now() - lastActivity > 3 * period + s.timeoutMs) sink.lost(`no publish response for ${Date.now() - lastActivity} ms`)
    }, Math.max(100, period))
    return {
      mode: 'subscription',
      deadbandItems,
      async close() {
        closing = true
        clearInterval(watchdog)
        await subscription.terminate().catch(() => {})
      },
    }
  } catch (err) {
    closing = true
    await subscription.terminate().catch(() => {})
    throw err
  }
}

/** Creates items for `bindings`; returns those whose filter the server rejected. */
async function monitor(subscription: ClientSubscription, bindings: readonly NodeBinding[], samplingInterval: number, filter: DataChangeFilter | undefined, sink: MonitorSink): Promise<NodeBinding[]> {
  if (bindings.length === 0) return []
  const group = await subscription.monitorItems(
    bindings.map((b) => ({ nodeId: b.nodeId, attributeId: AttributeIds.Value })),
    { samplingInterval, queueSize: QUEUE_SIZE, discardOldest: true, ...(filter === undefined ? {} : { filter }) },
    TimestampsToReturn.Both,
  )
  group.on('changed', (_item, dataValue: DataValue, index: number) => {
    const binding = bindings[index]
    if (binding !== undefined) sink.value(binding, dataValue)
  })
  const rejected: NodeBinding[] = []
  group.monitoredItems.forEach((item, i) => {
    const binding = bindings[i]
    const status = (item as unknown as { statusCode: StatusCode }).statusCode
    if (binding === undefined || status.isGood()) return
    if (filter !== undefined && FILTER_REJECTED.has(status.value)) rejected.push(binding)
    else sink.itemFailed(binding, status)
  })
  return rejected
}

/** Reads every binding every `intervalMs` with the Read service (servers without subscriptions). */
export function poll(session: ClientSession, bindings: readonly NodeBinding[], intervalMs: number, sink: MonitorSink): Monitor {
  let timer: NodeJS.Timeout | undefined
  let closed = false
  let running: Promise<void> = Promise.resolve()
  const tick = (): void => {
    running = session
      .read(bindings.map((b) => ({ nodeId: b.nodeId, attributeId: AttributeIds.Value })), 0)
      .then((values) => values.forEach((dv, i) => bindings[i] !== undefined && sink.value(bindings[i], dv)))
      .catch((err: Error) => {
        if (!closed) sink.lost(`read failed: ${err.message}`)
      })
      .finally(() => {
        if (!closed) timer = setTimeout(tick, intervalMs)
      })
  }
  tick()
  return {
    mode: 'polling',
    deadbandItems: 0,
    async close() {
      closed = true
      clearTimeout(timer)
      await running
    },
  }
}
