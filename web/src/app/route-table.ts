import type { ComponentType } from 'react'
import { AssistantView } from '../views/assistant-view.js'
import { AssistantsView } from '../views/assistants-view.js'
import { HomeView } from '../views/home-view.js'
import { RunView } from '../views/run-view.js'
import { SettingsView } from '../views/settings-view.js'
import { ThreadView } from '../views/thread-view.js'
import { ThreadsView } from '../views/threads-view.js'
import { OpenFileView } from '../timetravel/open-file-view.js'

export interface AppRoute {
  /** A wouter pattern relative to BASE (`/threads/:threadId`). */
  path: string
  view: ComponentType
  /** Shown in the top navigation when set. */
  nav?: string
  /** Rows of one group share one mounted view (the thread and its checkpoints: the scrubber keeps its focus). */
  group?: string
}

/**
 * Every page of the debugger, first match wins (more specific paths first). To add a view: write it in
 * views/, add a row here (and a builder in paths.ts for its links).
 */
export const ROUTES: AppRoute[] = [
  { path: '/', view: HomeView, nav: 'Overview' },
  { path: '/assistants', view: AssistantsView, nav: 'Assistants' },
  { path: '/assistants/:assistantId', view: AssistantView },
  { path: '/threads', view: ThreadsView, nav: 'Threads' },
  { path: '/threads/:threadId/checkpoints/:checkpointId', view: ThreadView, group: 'thread' },
  { path: '/threads/:threadId/runs/:runId', view: RunView },
  { path: '/threads/:threadId', view: ThreadView, group: 'thread' },
  { path: '/open', view: OpenFileView, nav: 'Open file' },
  { path: '/settings', view: SettingsView, nav: 'Settings' },
]
