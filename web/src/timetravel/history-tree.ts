import type { NodeStates } from '../stores/node-states-store.js'

/** A thread state as `/threads/{id}/history` answers it (the fields the timeline selects; `values` when full). */
export interface HistoryState {
  values?: unknown
  next: string[]
  checkpoint: { checkpoint_id?: string | null; checkpoint_ns?: string }
  parent_checkpoint?: { checkpoint_id?: string | null } | null
  metadata?: Record<string, unknown> | null
  created_at?: string | null
  tasks?: { id?: string; name: string; error?: unknown; interrupts?: unknown[] }[]
}

/** One checkpoint in the tree: its parent, its children, and where it is drawn. */
export interface TreeNode {
  id: string
  parentId?: string
  step: number
  /** `input`, `loop`, `update` (a state edit: the start of a fork), `fork`. */
  source: string
  next: string[]
  createdAt?: string
  /** Nodes of `next` that failed or are waiting at an interrupt. */
  errors: string[]
  interrupted: string[]
  children: string[]
  /** The branch it is on (0: the thread's first line); a fork starts a new branch. */
  branch: number
  /** Its place in time among all checkpoints (0: the first). */
  order: number
}

export interface Branch {
  id: number
  /** The checkpoint the branch forks from (undefined for the first line). */
  forkOf?: string
  /** Its checkpoints, oldest first (the fork point is not part of it). */
  ids: string[]
}

export interface HistoryTree {
  byId: Map<string, TreeNode>
  /** Every checkpoint, oldest first. */
  order: string[]
  branches: Branch[]
  /** The newest checkpoint (the thread's head). */
  head?: string
}

const idOf = (s: HistoryState) => s.checkpoint.checkpoint_id ?? ''

/**
 * The tree of a thread's checkpoints: each points to its parent, and a checkpoint with several children
 * is a fork — its oldest child goes on along its branch, each later one starts a new branch. Checkpoint
 * ids are time-ordered (uuid v6), so the order is the ids', tie-broken by creation time.
 */
export function buildTree(history: readonly HistoryState[]): HistoryTree {
  const states = history.filter((s) => idOf(s) !== '')
  const sorted = [...states].sort((a, b) => (idOf(a) < idOf(b) ? -1 : idOf(a) > idOf(b) ? 1 : 0))
  const byId = new Map<string, TreeNode>()
  sorted.forEach((s, order) => {
    const tasks = s.tasks ?? []
    byId.set(idOf(s), {
      id: idOf(s),
      parentId: s.parent_checkpoint?.checkpoint_id ?? undefined,
      step: Number(s.metadata?.step ?? 0),
      source: String(s.metadata?.source ?? ''),
      next: s.next,
      createdAt: s.created_at ?? undefined,
      errors: tasks.filter((t) => t.error !== undefined && t.error !== null).map((t) => t.name),
      interrupted: tasks.filter((t) => (t.interrupts?.length ?? 0) > 0).map((t) => t.name),
      children: [],
      branch: 0,
      order,
    })
  })
  for (const n of byId.values()) if (n.parentId && byId.has(n.parentId)) byId.get(n.parentId)!.children.push(n.id)
  const branches: Branch[] = []
  const place = (id: string, branch: Branch) => {
    // iterative along a branch (threads can be thousands of checkpoints long)
    let cur: string | undefined = id
    while (cur) {
      const n: TreeNode = byId.get(cur)!
      n.branch = branch.id
      branch.ids.push(cur)
      const [first, ...later] = n.children
      for (const c of later) {
        const b: Branch = { id: branches.length, forkOf: cur, ids: [] }
        branches.push(b)
        pending.push([c, b])
      }
      cur = first
    }
  }
  const pending: [string, Branch][] = []
  for (const n of byId.values()) {
    if (n.parentId && byId.has(n.parentId)) continue
    const b: Branch = { id: branches.length, ...(n.parentId ? { forkOf: n.parentId } : {}), ids: [] }
    branches.push(b)
    pending.push([n.id, b])
    while (pending.length) {
      const [id, br] = pending.shift()!
      place(id, br)
    }
  }
  return { byId, order: sorted.map(idOf), branches, head: sorted.at(-1) ? idOf(sorted.at(-1)!) : undefined }
}

/** The checkpoints from the thread's first one to `id`, oldest first. */
export function pathTo(tree: HistoryTree, id: string): string[] {
  const out: string[] = []
  for (let cur: string | undefined = id; cur && tree.byId.has(cur); cur = tree.byId.get(cur)!.parentId) out.push(cur)
  return out.reverse()
}

/**
 * The line the scrubber steps along for `id`: from the first checkpoint through `id`, then on along its
 * branch to the branch's newest checkpoint.
 */
export function lineThrough(tree: HistoryTree, id: string): string[] {
  const line = pathTo(tree, id)
  for (let n = tree.byId.get(id); n?.children.length;) {
    const next = n.children.find((c) => tree.byId.get(c)!.branch === n!.branch) ?? n.children[0]!
    line.push(next)
    n = tree.byId.get(next)
  }
  return line
}

/**
 * Where the graph was at checkpoint `id` of a line: every node that ran before it (with how many
 * times), and the nodes it was about to run — running, failed or waiting at an interrupt.
 */
export function nodeStatesAt(tree: HistoryTree, id: string): NodeStates {
  const path = pathTo(tree, id)
  const states: NodeStates = {}
  for (const cid of path.slice(0, -1)) {
    for (const name of tree.byId.get(cid)!.next) {
      const prev = states[name]
      states[name] = { status: 'done', count: (prev?.count ?? 0) + 1 }
    }
  }
  const at = tree.byId.get(id)
  for (const name of at?.next ?? []) {
    const count = states[name]?.count
    const status = at!.errors.includes(name) ? 'error' : at!.interrupted.includes(name) ? 'interrupted' : 'running'
    states[name] = { status, ...(count ? { count } : {}) }
  }
  return states
}

/** The branch's newest checkpoint. */
export const branchHead = (tree: HistoryTree, branch: number): string | undefined => tree.branches[branch]?.ids.at(-1)
