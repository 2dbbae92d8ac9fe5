import { defineConfig } from 'vitest/config'
import { LongFirstSequencer } from './tests/long-first-sequencer.js'

// Files run in parallel: every test uses its own temp directory, SQLite file and port 0, so files share
// nothing. Vitest's default on a 2-core machine is one worker (cores − 1), which leaves a core idle while
// end-to-end files wait on child processes; three keep both busy. SWITCHYARD_TEST_WORKERS overrides it.
const workers = Number(process.env.SWITCHYARD_TEST_WORKERS ?? 3)

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts', 'tests/**/*.test.tsx'],
    // the checkpoint conformance suite registers its cases through vitest globals
    globals: true,
    // ceilings, not expectations: a test that spawns the CLI seven times took 60 s on this 2-core machine at
    // load 16 (helpers' suites beside CI); every wait inside a test is on an event, so a long ceiling costs nothing
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // expect.poll's own default is 1 s: a page's URL or a node's class that changes on an event was missed under
    // load (web-shell's checkpoint URL). Polls wait on what they poll for; the ceiling is a ceiling
    expect: { poll: { timeout: 30_000 } },
    pool: 'forks',
    maxWorkers: workers,
    // the longest files start first (tests/file-durations.json, or this checkout's last run), so no 3-minute
    // end-to-end file is picked up last and run alone while the other workers sit idle
    sequence: { sequencer: LongFirstSequencer },
    // the CLI tests spawn cli/bin.js, which runs the compiled dist/: build it first, every time
    globalSetup: ['tests/build-dist.setup.ts'],
  },
})
