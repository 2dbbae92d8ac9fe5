/** The router's base: the server serves the app under /ui/, so no deep link collides with an API path. */
export const BASE = '/ui'

const seg = encodeURIComponent

/** Links inside the app (relative to BASE; wouter's `<Link href>` and `navigate` take these). */
export const paths = {
  home: () => '/',
  assistants: () => '/assistants',
  assistant: (assistantId: string) => `/assistants/${seg(assistantId)}`,
  threads: () => '/threads',
  thread: (threadId: string) => `/threads/${seg(threadId)}`,
  checkpoint: (threadId: string, checkpointId: string) => `/threads/${seg(threadId)}/checkpoints/${seg(checkpointId)}`,
  run: (threadId: string, runId: string) => `/threads/${seg(threadId)}/runs/${seg(runId)}`,
  openFile: () => '/open',
  settings: () => '/settings',
}

/** The absolute URL of an app path on a server (what `switchyard run` prints). */
export const absoluteUrl = (origin: string, appPath: string) => `${origin.replace(/\/+$/, '')}${BASE}${appPath}`
