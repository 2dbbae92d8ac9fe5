import { z } from 'zod'

/** Where the driver can send the task next. Each worker runs at most once, which bounds the loop. */
export const TEAM_ROUTES = ['researcher', 'generator', 'report'] as const
export type TeamRoute = (typeof TEAM_ROUTES)[number]

/** The driver's handoff; `next` is offered only among the routes still open. */
export const driverHandoff = (open: readonly [TeamRoute, ...TeamRoute[]]) =>
  z.object({
    analysis: z.string().min(1).describe('What the task asks for and what is still missing'),
    next: z.enum(open).describe('Who works next: researcher (facts from the documents), generator (design a specialist agent) or report (enough is known)'),
    reason: z.string().min(1).describe('Why that choice'),
  })

export const ResearchHandoff = z.object({
  answer: z.string().min(1).describe('The answer, citing sources as [n]'),
  citations: z.array(z.number().int().positive()).describe('The [n] numbers of the sources used'),
})
export type ResearchHandoff = z.infer<typeof ResearchHandoff>

/** A specialist agent designed by the generator (seed 002's "HR manager"). */
export const SpecialistHandoff = z.object({
  name: z.string().min(1).max(80).describe('Short kebab-case name of the specialist agent'),
  role: z.string().min(1).describe('The role it plays'),
  system_prompt: z.string().min(1).describe('Its system prompt'),
  tools: z.array(z.string().min(1)).describe('Names of the tools it needs'),
  output_fields: z.array(z.string().min(1)).describe('Fields of the structured result it must hand back'),
})
export type SpecialistHandoff = z.infer<typeof SpecialistHandoff>

export interface Source { n: number; title: string; source: string }

/** One entry of the team's step log (seed 002: step, agent, result). */
export interface TeamStep { step: number; agent: 'driver' | 'researcher' | 'generator' | 'report'; result: Record<string, unknown> }
