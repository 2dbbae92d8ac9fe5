import type { Selectable } from 'kysely'

/** How a `checkpoint_blobs` row holds its channel value: the whole value, or the elements appended to `base_version`. */
export type BlobKind = 'full' | 'delta'

/**
 * One checkpoint. Each channel value is written once, by the checkpoint that changed it: a small one inline in
 * that checkpoint's row, a large one (or an append to one) in `checkpoint_blobs` under its version.
 */
export interface CheckpointTable {
  thread_id: string
  checkpoint_ns: string
  checkpoint_id: string
  parent_checkpoint_id: string | null
  /** Serde type of `checkpoint` and `metadata`. */
  type: string
  /** The checkpoint without `channel_values`. */
  checkpoint: Uint8Array
  metadata: Uint8Array
  /** Serde type of `inline_data`. */
  inline_type: string | null
  /** The small values this checkpoint changed: a JSON array of [channel, value] pairs. */
  inline_data: Uint8Array | null
  /** JSON object: channel → id of the ancestor checkpoint whose `inline_data` holds its current value. */
  inline_refs: string
}

/** One channel value at one version: written once, shared by every checkpoint that holds that version. */
export interface CheckpointBlobTable {
  thread_id: string
  checkpoint_ns: string
  channel: string
  version: string
  kind: BlobKind
  /** Serde type of `data`. */
  type: string
  /** For a delta: the version whose value `data` extends. */
  base_version: string | null
  data: Uint8Array
}

/** A pending write of a task against a checkpoint. */
export interface CheckpointWriteTable {
  thread_id: string
  checkpoint_ns: string
  checkpoint_id: string
  task_id: string
  idx: number
  channel: string
  type: string
  data: Uint8Array
  task_path: string
}

/** Kysely table types of the checkpointer. */
export interface CheckpointTables {
  checkpoints: CheckpointTable
  checkpoint_blobs: CheckpointBlobTable
  checkpoint_writes: CheckpointWriteTable
}

/** Rows as selected. */
export type CheckpointRow = Selectable<CheckpointTable>
export type CheckpointBlobRow = Selectable<CheckpointBlobTable>
export type CheckpointWriteRow = Selectable<CheckpointWriteTable>
