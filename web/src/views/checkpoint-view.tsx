import { useParams } from 'wouter'
import { ThreadPage } from '../timetravel/thread-page.js'

/** One checkpoint of a thread (its own URL): the thread's debugger with it selected. */
export function CheckpointView() {
  const { threadId = '', checkpointId = '' } = useParams<{ threadId: string; checkpointId: string }>()
  return <ThreadPage threadId={threadId} checkpointId={checkpointId} />
}
