import { context } from '@opentelemetry/api'
import { Command, CommanderError } from 'commander'
import { contextOf } from '../agents/tracing/trace-context.js'
import { startTracing, type Tracing } from '../agents/tracing/tracing-sdk.js'
import { EXIT, reportError } from './exit-codes.js'
import { registerMiscCommands } from './misc-commands.js'
import { registerRagCommands } from './rag-commands.js'
import { addRagEvalCommand } from './rag-eval-command.js'
import { registerRunCommands } from './run-commands.js'
import { registerServeCommand } from './serve-command.js'
import { registerThreadCommands } from './thread-commands.js'
import { registerTestCommand } from './test-command.js'
import { registerValidateCommand } from './validate-command.js'
import { registerWorkerCommand } from './worker-command.js'
import type { Out } from './render.js'

/** Builds the `switchyard` program. Output goes through `out` so tests and pipes see the same text. */
export function buildProgram(out: Out, err: (s: string) => void, setCode: (n: number) => void): Command {
  const program = new Command('switchyard')
    .description('Durable multi-agent workflows on LangGraph.js')
    .option('--db <path>', 'SQLite database file (env SWITCHYARD_DB; default .switchyard/switchyard.db)')
    .option('--database-url <url>', 'Postgres connection string, postgres://user:pass@host:5432/db[?schema=name] (env DATABASE_URL); wins over --db')
    .option('--redis-url <url>', 'Redis for the live tail, wake-ups and cancels across processes, redis://[:pass@]host:6379[/db] (env REDIS_URL); without it Postgres uses LISTEN/NOTIFY')
    .option('--workflows <dir>', 'folder of YAML workflows to load (env SWITCHYARD_WORKFLOWS; default workflows/ if it exists)')
    .option('--config <path>', 'a langgraph.json: its graphs (and only they) are served and run, its env applied')
    .option('--builtins', 'with --config, also load the built-in graphs and YAML workflows (a config graph wins a shared name)')
    .exitOverride()
    // every command opens its runtime from the environment: the flag sets it (and a child process inherits it)
    .hook('preAction', (cmd) => {
      const url = cmd.opts<{ redisUrl?: string }>().redisUrl
      if (url !== undefined) process.env.REDIS_URL = url
    })
    .showHelpAfterError(false)
    .configureOutput({ writeOut: (s) => out.write(s), writeErr: err, outputError: (s) => err(`switchyard: ${s.replace(/^error: /, '').trim()}\n`) })
  registerRunCommands(program, out, setCode)
  registerThreadCommands(program, out)
  registerMiscCommands(program, out)
  addRagEvalCommand(registerRagCommands(program, out), out, setCode)
  registerServeCommand(program, out)
  registerWorkerCommand(program, out)
  registerValidateCommand(program, out, setCode)
  registerTestCommand(program, out, setCode)
  for (const c of program.commands) {
    c.exitOverride().configureOutput({ writeOut: (s) => out.write(s), writeErr: err, outputError: (s) => err(`switchyard: ${s.replace(/^error: /, '').trim()}\n`) })
    for (const sub of c.commands) sub.exitOverride().configureOutput({ writeOut: (s) => out.write(s), writeErr: err, outputError: (s) => err(`switchyard: ${s.replace(/^error: /, '').trim()}\n`) })
  }
  return program
}

/** Runs the CLI on `argv` (as process.argv) and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  // a closed pipe (`switchyard ... | head`) ends output quietly instead of crashing
  process.stdout.on('error', (e: NodeJS.ErrnoException) => { if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0) })
  const out: Out = { write: (s) => void process.stdout.write(s), isTTY: !!process.stdout.isTTY }
  const err = (s: string) => void process.stderr.write(s)
  let code: number = EXIT.OK
  const program = buildProgram(out, err, (n) => { code = n })
  let tracing: Tracing | undefined
  try {
    // on when OTEL_EXPORTER_OTLP_ENDPOINT / OTEL_TRACES_EXPORTER say so; the SDK is not even loaded otherwise
    tracing = await startTracing({ env: process.env })
    // a caller's TRACEPARENT (CI, otel-cli) is the parent of the runs this command queues
    await context.with(contextOf(process.env.TRACEPARENT), () => program.parseAsync(argv))
  } catch (e) {
    if (e instanceof CommanderError) {
      const ok = ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(e.code)
      return ok ? EXIT.OK : EXIT.USAGE
    }
    return reportError(e, err)
  } finally {
    // the batch processor's last spans are exported before the process exits (serve: after its graceful stop)
    await tracing?.shutdown().catch((e: unknown) => err(`switchyard: trace export failed: ${(e as Error).message}\n`))
  }
  return code
}

