/** A checkpoint's URL mounts the thread's view with the checkpoint selected (see thread-view.tsx). */
export { ThreadView as CheckpointView } from './thread-view.js'
