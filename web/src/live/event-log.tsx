import { useVirtualizer } from '@tanstack/react-virtual'
import { useEffect, useRef, useState } from 'react'
import { isDict, type LiveEvent } from './live-events.js'

const ROW_PX = 24

/** A one-line summary of an event (method, node, what it says). */
export function summarize(ev: LiveEvent): string {
  const d = isDict(ev.params.data) ? ev.params.data : {}
  switch (ev.method) {
    case 'lifecycle': return `${String(d.event)} ${String(d.graph_name ?? '')}${d.error ? `: ${String(d.error)}` : ''}`
    case 'tasks': return `${String(d.name)} ${'result' in d || 'error' in d ? (d.error ? `failed: ${JSON.stringify(d.error)}` : Array.isArray(d.interrupts) && d.interrupts.length ? 'interrupted' : 'finished') : 'started'}`
    case 'messages': return `${String(d.event)}${isDict(d.delta) ? ` ${JSON.stringify(d.delta.text ?? d.delta.args ?? d.delta.reasoning ?? '')}` : ''}`
    case 'updates': return `${String(d.node)} → ${Object.keys(isDict(d.values) ? d.values : {}).join(', ')}`
    case 'checkpoints': return `checkpoint ${String(d.id)} step ${String(d.step)}`
    case 'input.requested': return `interrupt ${String(d.interrupt_id)}`
    case 'input.answered': return `answered ${Array.isArray(d.interrupt_ids) ? d.interrupt_ids.join(', ') : ''}`
    default: return JSON.stringify(ev.params.data).slice(0, 160)
  }
}

/**
 * Every event of the thread, virtualised (only the rows in view are in the DOM: 10,000 events scroll as
 * smoothly as 10). Follows the end while scrolled to the bottom; a row opens its full JSON. Keyboard:
 * the list is focusable, arrows/Page keys scroll it, Enter on a row shows its JSON.
 */
export function EventLog({ events }: { events: readonly LiveEvent[] }) {
  const box = useRef<HTMLDivElement>(null)
  const [follow, setFollow] = useState(true)
  const [open, setOpen] = useState<number>()
  const v = useVirtualizer({ count: events.length, getScrollElement: () => box.current, estimateSize: () => ROW_PX, overscan: 12 })
  useEffect(() => {
    if (follow && events.length > 0) v.scrollToIndex(events.length - 1, { align: 'end' })
  }, [events.length, follow, v])
  const shown = open !== undefined ? events[open] : undefined
  return (
    <section className="event-log-panel" aria-label="Event log">
      <h3>Events <small data-testid="event-count">{events.length}</small>
        <label className="inline follow"><input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> follow</label>
      </h3>
      <div className="event-log" ref={box} tabIndex={0} role="list" aria-label={`${events.length} events`} data-testid="event-log"
        onScroll={(e) => {
          const el = e.currentTarget
          const atEnd = el.scrollHeight - el.scrollTop - el.clientHeight < ROW_PX * 2
          if (!atEnd && follow) setFollow(false)
        }}>
        <div style={{ height: v.getTotalSize(), position: 'relative' }}>
          {v.getVirtualItems().map((row) => {
            const ev = events[row.index]!
            return (
              <div role="listitem" key={ev.seq} className={`event-row method-${ev.method.replace('.', '-')}`} data-seq={ev.seq}
                style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW_PX, transform: `translateY(${row.start}px)` }}>
                {/* named by what it shows (number, method, node, summary), spaces between for screen readers */}
                <button type="button" className="event-open" onClick={() => setOpen(row.index)}>
                  <span className="event-seq">{row.index + 1}</span>{' '}
                  <span className="event-method">{ev.method}</span>{' '}
                  <span className="event-node">{ev.params.node ?? ev.params.namespace.join('/')}</span>{' '}
                  <span className="event-text">{summarize(ev)}</span>
                </button>
              </div>
            )
          })}
        </div>
      </div>
      {shown ? (
        <div className="event-detail">
          <div className="row"><strong>Event {open! + 1}</strong> <code>{shown.event_id}</code> seq {shown.seq} <button type="button" onClick={() => setOpen(undefined)}>Close</button></div>
          <pre>{JSON.stringify(shown, null, 2)}</pre>
        </div>
      ) : null}
    </section>
  )
}
