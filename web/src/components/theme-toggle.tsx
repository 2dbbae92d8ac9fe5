import { useEffect, useState } from 'react'
import { useSettings } from '../stores/settings-store.js'

const dark = () => globalThis.matchMedia?.('(prefers-color-scheme: dark)')
/** The theme in effect: the setting, or the system's when the setting is `system`. */
export function useAppliedTheme(): 'light' | 'dark' {
  const theme = useSettings((s) => s.theme)
  const [systemDark, setSystemDark] = useState(() => dark()?.matches ?? false)
  useEffect(() => {
    const m = dark()
    if (!m) return
    const on = (e: MediaQueryListEvent) => setSystemDark(e.matches)
    m.addEventListener('change', on)
    return () => m.removeEventListener('change', on)
  }, [])
  return theme === 'system' ? (systemDark ? 'dark' : 'light') : theme
}

/** Switches between light and dark (starting from the system's); sets `data-theme` on <html>. */
export function ThemeToggle() {
  const applied = useAppliedTheme()
  const save = useSettings((s) => s.save)
  useEffect(() => { document.documentElement.dataset.theme = applied }, [applied])
  const next = applied === 'dark' ? 'light' : 'dark'
  return (
    <button type="button" className="theme-toggle" onClick={() => save({ theme: next })} aria-label={`Switch to the ${next} theme`} title={`Switch to the ${next} theme`}>
      {applied === 'dark' ? '☀' : '☾'}
    </button>
  )
}
