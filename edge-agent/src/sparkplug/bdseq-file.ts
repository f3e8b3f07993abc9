/**
 * bdSeq kept across restarts. The Will (NDEATH) registered with each MQTT CONNECT carries a bdSeq,
 * the NBIRTH of that session must carry the same one [tck-id-payloads-nbirth-bdseq], and each CONNECT
 * uses the previous one + 1, 0 after 255 [tck-id-message-flow-edge-node-birth-publish-will-message-payload-bdSeq].
 * After a restart the broker may still hold the previous process's Will (or a host remembers its
 * bdSeq), so the counter lives in a file, written durably BEFORE the CONNECT that uses it.
 */
import { mkdir, open, readFile, rename } from 'node:fs/promises'
import { dirname } from 'node:path'
import { nextBdSeq } from '@rhn/protocols'

/** Reads the last bdSeq used; undefined when the file is missing or unreadable (a fresh node starts at 0). */
async function readLast(file: string): Promise<number | undefined> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch {
    return undefined
  }
  const value = Number.parseInt(text.trim(), 10)
  return Number.isInteger(value) && value >= 0 && value <= 255 ? value : undefined
}

/** Writes `value` atomically and durably: temp file, fsync, rename (a torn write never leaves garbage). */
async function writeDurably(file: string, value: number): Promise<void> {
  await mkdir(dirname(file), { recursive: true })
  const tmp = `${file}.tmp`
  const handle = await open(tmp, 'w')
  try {
    await handle.writeFile(`${value}\n`)
    await handle.sync()
  } finally {
    await handle.close()
  }
  await rename(tmp, file)
}

/** The bdSeq counter of one edge node, persisted in `file`. */
export class BdSeqFile {
  readonly #file: string
  #last: number | undefined
  #loaded = false

  constructor(file: string) {
    this.#file = file
  }

  /** The bdSeq for the next CONNECT: the stored one + 1 (0 after 255, or on first use); stored before it resolves. */
  async next(): Promise<number> {
    if (!this.#loaded) {
      this.#last = await readLast(this.#file)
      this.#loaded = true
    }
    const value = this.#last === undefined ? 0 : nextBdSeq(this.#last)
    await writeDurably(this.#file, value)
    this.#last = value
    return value
  }
}
