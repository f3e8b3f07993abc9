/**
 * The one place llrpjs 1.0.1 is loaded. Its package `types` point at raw `.ts` sources that fail our
 * strict settings (STACK.md), so it is loaded through `createRequire` and described by the small
 * hand-written interface below (only what the tests use). llrpjs is an independent LLRP codec: the
 * simulator encodes with its own, so these tests check the wire format, not a codec against itself.
 */
import { createRequire } from 'node:module'

/** A decoded (or to-be-sent) llrpjs message. */
export interface LlrpJsMessage {
  getName(): string
  getMessageId(): number
  /** `{ id, type, data }` with parameters by name; a repeated parameter is an array, a single one an object. */
  toLLRPData(): { id: number; type: string; data: Record<string, unknown> }
}

/** llrpjs's `LLRPClient` (the client side: an edge agent's view of the reader). */
export interface LlrpJsClient {
  connect(): Promise<void>
  disconnect(): Promise<void>
  send(m: LlrpJsMessage): Promise<void>
  transact(m: LlrpJsMessage, timeoutMs?: number): Promise<LlrpJsMessage>
  on(event: 'message', listener: (m: LlrpJsMessage) => void): this
  on(event: 'disconnect' | 'connect', listener: () => void): this
  on(event: 'error', listener: (err: Error) => void): this
  readonly socketWritable: boolean
}

interface LlrpJsModule {
  LLRPClient: new (options: { host: string; port: number }) => LlrpJsClient
  /** Message and parameter classes by LLRP name: `new LLRPCore.ADD_ROSPEC({ data })`. */
  LLRPCore: Record<string, new (args?: { id?: number; data?: unknown }) => LlrpJsMessage>
}

const llrpjs = createRequire(import.meta.url)('llrpjs') as LlrpJsModule

/** Builds an llrpjs message by LLRP name. */
export function llrpMessage(name: string, data?: unknown, id?: number): LlrpJsMessage {
  const Ctor = llrpjs.LLRPCore[name]
  if (Ctor === undefined) throw new Error(`llrpjs has no message ${name}`)
  return new Ctor({ ...(id === undefined ? {} : { id }), ...(data === undefined ? {} : { data }) })
}

/** An llrpjs client plus a queue of everything it received, for `await next('RO_ACCESS_REPORT')`. */
export class TestLlrpClient {
  readonly client: LlrpJsClient
  private readonly inbox: LlrpJsMessage[] = []
  private waiters: (() => void)[] = []
  disconnected = false
  errors: Error[] = []

  constructor(port: number) {
    this.client = new llrpjs.LLRPClient({ host: '127.0.0.1', port })
    this.client.on('message', (m) => {
      this.inbox.push(m)
      this.wake()
    })
    this.client.on('disconnect', () => {
      this.disconnected = true
      this.wake()
    })
    this.client.on('error', (err) => this.errors.push(err))
  }

  /** Connects and returns the reader's first message (the ConnectionAttemptEvent notification). */
  async connect(): Promise<LlrpJsMessage> {
    await this.client.connect()
    return this.next('READER_EVENT_NOTIFICATION')
  }

  /** Sends and waits for the response (llrpjs matches it by name). */
  async transact(name: string, data?: unknown): Promise<Record<string, unknown>> {
    const rsp = await this.client.transact(llrpMessage(name, data), 5000)
    return rsp.toLLRPData().data
  }

  /** The next received message named `name` (earlier ones of other names are skipped). */
  async next(name: string, timeoutMs = 5000): Promise<LlrpJsMessage> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const i = this.inbox.findIndex((m) => m.getName() === name)
      if (i >= 0) return this.inbox.splice(0, i + 1)[i]!
      this.inbox.length = 0
      if (this.disconnected) throw new Error(`disconnected while waiting for ${name}`)
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`timed out waiting for ${name}`)
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left)
        this.waiters.push(() => {
          clearTimeout(t)
          resolve()
        })
      })
    }
  }

  /** Resolves once the reader has closed the connection. */
  async closed(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (!this.disconnected) {
      if (Date.now() > deadline) throw new Error('connection still open')
      await new Promise((r) => setTimeout(r, 10))
    }
  }

  /** Drops whatever was received so far. */
  clear(): void {
    this.inbox.length = 0
  }

  async close(): Promise<void> {
    if (this.client.socketWritable) await this.client.disconnect()
  }

  private wake(): void {
    const w = this.waiters
    this.waiters = []
    for (const f of w) f()
  }
}

/** A typical edge-agent ROSpec: started by START_ROSPEC, one report per inventory round with every field. */
export function addRoSpec(id = 1, antennaIds: number[] = [0]): Record<string, unknown> {
  return {
    ROSpec: {
      ROSpecID: id,
      Priority: 0,
      CurrentState: 'Disabled',
      ROBoundarySpec: {
        ROSpecStartTrigger: { ROSpecStartTriggerType: 'Null' },
        ROSpecStopTrigger: { ROSpecStopTriggerType: 'Null', DurationTriggerValue: 0 },
      },
      AISpec: {
        AntennaIDs: antennaIds,
        AISpecStopTrigger: { AISpecStopTriggerType: 'Null', DurationTrigger: 0 },
        InventoryParameterSpec: { InventoryParameterSpecID: 1, ProtocolID: 'EPCGlobalClass1Gen2' },
      },
      ROReportSpec: {
        ROReportTrigger: 'Upon_N_Tags_Or_End_Of_AISpec',
        N: 0,
        TagReportContentSelector: {
          EnableROSpecID: true,
          EnableSpecIndex: false,
          EnableInventoryParameterSpecID: false,
          EnableAntennaID: true,
          EnableChannelIndex: false,
          EnablePeakRSSI: true,
          EnableFirstSeenTimestamp: true,
          EnableLastSeenTimestamp: true,
          EnableTagSeenCount: true,
          EnableAccessSpecID: false,
        },
      },
    },
  }
}

/** One TagReportData as the tests look at it. */
export interface SeenTag {
  epc: string
  antenna: number
  rssi: number
  firstSeen: Date
  lastSeen: Date
  count: number
}

/** The tags of an RO_ACCESS_REPORT, as llrpjs decoded them. */
export function tagsOf(report: LlrpJsMessage): SeenTag[] {
  const raw = report.toLLRPData().data.TagReportData
  const list = (raw === undefined ? [] : Array.isArray(raw) ? raw : [raw]) as Record<string, Record<string, unknown>>[]
  return list.map((t) => ({
    epc: String(t.EPC_96!.EPC).toLowerCase(),
    antenna: Number(t.AntennaID?.AntennaID),
    rssi: Number(t.PeakRSSI?.PeakRSSI),
    firstSeen: new Date(String(t.FirstSeenTimestampUTC?.Microseconds)),
    lastSeen: new Date(String(t.LastSeenTimestampUTC?.Microseconds)),
    count: Number(t.TagSeenCount?.TagCount),
  }))
}
