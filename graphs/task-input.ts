import { z } from 'zod'

/** Input of every built-in graph: `{ "task": string }`. */
export const TaskInput = z.object({ task: z.string().trim().min(1, 'task must not be empty').max(20_000) }).strict()
export type TaskInput = z.infer<typeof TaskInput>
