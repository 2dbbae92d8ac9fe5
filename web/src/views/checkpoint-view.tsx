import { useParams } from 'wouter'
import { ThreadPage } from '../timetravel/thread-page.js'

/**
 * A thread (`/threads/:threadId`) or one of its checkpoints (`/threads/:threadId/checkpoints/:checkpointId`,
 * its own URL): the thread's debugger with that checkpoint, or the head, selected. Both routes mount this
 * one view, so moving between checkpoints keeps the page (and the scrubber's focus).
 */
export function CheckpointView() {
  const { threadId = '', checkpointId } = useParams<{ threadId: string; checkpointId?: string }>()
  return <ThreadPage threadId={threadId} checkpointId={checkpointId} />
}
