/**
 * The SQLite schema: one narrow sample table keyed (asset, metric, ts) so a replayed or duplicated
 * point is stored once (issue 5 "Sparkplug host": idempotent replays), plus two small dictionaries
 * that keep the sample rows short. The asset's bounded tags sit as columns of the asset table.
 */
import type { Database } from 'better-sqlite3'

/** Bumped when the tables change; a newer file than this code is refused rather than misread. */
export const SCHEMA_VERSION = 1

const DDL = `
CREATE TABLE IF NOT EXISTS asset (
  id       INTEGER PRIMARY KEY,
  name     TEXT NOT NULL UNIQUE,
  region   TEXT NOT NULL,
  hospital TEXT NOT NULL,
  unit     TEXT NOT NULL,
  section  TEXT NOT NULL,
  kind     TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS metric (
  id   INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
);
-- One value per row in the column of its type: num (number), flag (boolean 0/1), txt (string).
CREATE TABLE IF NOT EXISTS sample (
  asset_id  INTEGER NOT NULL,
  metric_id INTEGER NOT NULL,
  ts        INTEGER NOT NULL,
  num       REAL,
  flag      INTEGER,
  txt       TEXT,
  PRIMARY KEY (asset_id, metric_id, ts)
) WITHOUT ROWID;
`

/**
 * Opens the schema on a fresh or existing file. WAL lets the API read while the ingest writes;
 * synchronous=NORMAL fsyncs at checkpoints, not every commit: a power cut may lose the last
 * transactions but never corrupts the file (https://www.sqlite.org/wal.html#performance_considerations).
 */
export function openSchema(db: Database): void {
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  // Reads wait up to 5 s for a checkpoint instead of failing with SQLITE_BUSY.
  db.pragma('busy_timeout = 5000')
  // 64 MiB of page cache (default 2 MiB): a batch touches one leaf page per series, and a hospital
  // has thousands of series; with them cached a commit writes pages instead of reading them first.
  db.pragma('cache_size = -65536')
  // Checkpoint every ~16 MiB of WAL (default ~4 MiB): checkpoints are the only fsyncs under
  // synchronous=NORMAL, so fewer of them is most of the ingest rate; the WAL stays small.
  db.pragma('wal_autocheckpoint = 4096')
  const version = db.pragma('user_version', { simple: true }) as number
  if (version > SCHEMA_VERSION) throw new Error(`telemetry file has schema version ${version}, this aggregator knows ${SCHEMA_VERSION}`)
  db.exec(DDL)
  db.pragma(`user_version = ${SCHEMA_VERSION}`)
}
