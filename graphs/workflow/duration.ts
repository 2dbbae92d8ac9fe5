// The duration grammar lives with the step executors (agents/steps/duration.ts), which graphs/ may
// import and which need it too; the workflow language re-exports it.
export { Duration, DURATION_PATTERN, MAX_DURATION_MS, parseDuration } from '../../agents/steps/duration.js'
