import { useParams } from 'wouter'
import { ThreadPage } from '../timetravel/thread-page.js'

/** One thread: status, metadata, and the time-travel debugger at its head. */
export function ThreadView() {
  const { threadId = '' } = useParams<{ threadId: string }>()
  return <ThreadPage threadId={threadId} />
}
