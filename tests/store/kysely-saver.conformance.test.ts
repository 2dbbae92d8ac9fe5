import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { deltaChannelHistoryTests, validate, type CheckpointSaverTestInitializer } from '@langchain/langgraph-checkpoint-validation'
import { openDb, type OpenedDb } from '../../store/db.js'
import { KyselySaver } from '../../store/kysely-saver.js'

// The official checkpointer conformance suite, on a real SQLite file per checkpointer. Our name is not on the
// suite's skip lists, so every case runs, "should only store channel_values that have changed" included.
const dir = mkdtempSync(join(tmpdir(), 'sy-saver-conf-'))
const opened = new Map<KyselySaver, OpenedDb>()
let n = 0

const initializer: CheckpointSaverTestInitializer<KyselySaver> = {
  checkpointerName: 'switchyard-kysely-saver',
  async createCheckpointer() {
    const store = await openDb(join(dir, `conf-${++n}.db`))
    const saver = new KyselySaver(store.db)
    opened.set(saver, store)
    return saver
  },
  async destroyCheckpointer(saver) {
    await opened.get(saver)?.close()
    opened.delete(saver)
  },
  afterAll() {
    rmSync(dir, { recursive: true, force: true })
  },
}

validate(initializer)
// Opt-in in the suite (the method is beta, inherited from BaseCheckpointSaver): it walks our getTuple chain.
deltaChannelHistoryTests(initializer)
