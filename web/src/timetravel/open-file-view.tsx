import { useMemo, useState, type ChangeEvent } from 'react'
import { create } from 'zustand'
import { fileSource, parseExport, type ThreadExport } from './debug-source.js'
import { ThreadDebugger } from './thread-debugger.js'

// the opened file lives as long as the page (navigating away and back keeps it)
const useOpenedFile = create<{ bundle?: ThreadExport; name?: string; set(b: ThreadExport, name: string): void }>((set) => ({
  set: (bundle, name) => set({ bundle, name }),
}))

/** Opens an exported thread from a file, with no server: the same debugger, read-only. */
export function OpenFileView() {
  const { bundle, name, set } = useOpenedFile()
  const [error, setError] = useState<string>()
  const [selected, setSelected] = useState<string>()
  const source = useMemo(() => (bundle ? fileSource(bundle) : undefined), [bundle])
  const onFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const f = e.target.files?.[0]
    if (!f) return
    try {
      set(parseExport(await f.text()), f.name)
      setSelected(undefined)
      setError(undefined)
    } catch (err) {
      setError(`${f.name}: ${(err as Error).message}`)
    }
  }
  return (
    <>
      <section className="panel" aria-labelledby="open-title">
        <h1 id="open-title">Open an exported thread</h1>
        <p className="hint">A file from a thread&apos;s &quot;Export thread (JSON)&quot;: its graph, checkpoints, runs and events. It is read in this page only; no server is needed.</p>
        <label htmlFor="open-file">Export file</label>{' '}
        <input id="open-file" data-testid="open-file" type="file" accept="application/json,.json" onChange={(e) => void onFile(e)} />
        {error ? <p role="alert" className="error-text" data-testid="open-error">{error}</p> : null}
        {bundle ? <p data-testid="opened">Opened <strong>{name}</strong>: thread <code>{bundle.thread.thread_id}</code> from {bundle.source}, exported {new Date(bundle.exported_at).toLocaleString()}.</p> : null}
      </section>
      {source ? <ThreadDebugger source={source} checkpointId={selected} onSelect={setSelected} /> : null}
    </>
  )
}
