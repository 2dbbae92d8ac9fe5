import { useParams } from 'wouter'
import { ThreadPage } from '../timetravel/thread-page.js'

/**
 * A thread (`/threads/:threadId`: following its live run) or one of its checkpoints
 * (`/threads/:threadId/checkpoints/:checkpointId`, its own URL). Both routes mount this one view, so
 * stepping between checkpoints keeps the page and focus.
 */
export function ThreadView() {
  const { threadId = '', checkpointId } = useParams<{ threadId: string; checkpointId?: string }>()
  return <ThreadPage threadId={threadId} checkpointId={checkpointId} />
}
