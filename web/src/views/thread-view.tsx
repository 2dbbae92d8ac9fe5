import { useParams } from 'wouter'
import { ThreadLive } from '../live/thread-live.js'
import { ThreadPage } from '../timetravel/thread-page.js'

/**
 * A thread (`/threads/:threadId`) or one of its checkpoints (`/threads/:threadId/checkpoints/:checkpointId`,
 * its own URL): the live run panel, then the time-travel debugger with that checkpoint (or the head)
 * selected. Both routes mount this one view, so stepping between checkpoints keeps the page and focus.
 */
export function ThreadView() {
  const { threadId = '', checkpointId } = useParams<{ threadId: string; checkpointId?: string }>()
  return <ThreadPage threadId={threadId} checkpointId={checkpointId} live={(graphId) => <ThreadLive threadId={threadId} graphId={graphId} />} />
}
