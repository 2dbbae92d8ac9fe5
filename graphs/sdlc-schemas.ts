import { z } from 'zod'

export const SDLC_PHASES = ['analyst', 'architect', 'developer', 'tester', 'deployer'] as const
export type SdlcPhase = (typeof SDLC_PHASES)[number]

/** The artifact each phase hands off (seed 004's handoff schema, one per phase). */
export const PHASE_ARTIFACTS = {
  analyst: z.object({
    summary: z.string().min(1).describe('The problem in a few sentences'),
    requirements: z.array(z.string().min(1)).min(1).describe('Functional requirements'),
    acceptance_criteria: z.array(z.string().min(1)).min(1).describe('How we will know it is done'),
  }),
  architect: z.object({
    overview: z.string().min(1).describe('The architecture in a paragraph'),
    components: z.array(z.object({ name: z.string().min(1), responsibility: z.string().min(1) })).min(1),
    decisions: z.array(z.string().min(1)).describe('Key decisions and their reasons'),
  }),
  developer: z.object({
    summary: z.string().min(1).describe('What was implemented'),
    files: z.array(z.object({ path: z.string().min(1), description: z.string().min(1) })).min(1),
  }),
  tester: z.object({
    passed: z.boolean().describe('Whether every acceptance criterion is met'),
    summary: z.string().min(1),
    failures: z.array(z.string().min(1)).describe('What failed; empty when passed'),
  }),
  deployer: z.object({
    environment: z.string().min(1).describe('Where it is deployed'),
    steps: z.array(z.string().min(1)).min(1).describe('Deployment steps'),
    rollback: z.string().min(1).describe('How to roll back'),
  }),
} as const satisfies Record<SdlcPhase, z.ZodType>

/** The payload a human sees at each gate. */
export interface GatePayload {
  kind: 'approval'
  phase: SdlcPhase
  attempt: number
  artifact: unknown
  actions: ['approve', 'reject', 'amend']
}

/** What a human answers at a gate (the resume value). */
export const GateDecision = z.discriminatedUnion('action', [
  z.object({ action: z.literal('approve') }).strict(),
  z.object({ action: z.literal('reject'), reason: z.string().trim().min(1, 'a rejection needs a reason') }).strict(),
  z.object({ action: z.literal('amend'), artifact: z.unknown().refine((v) => v !== undefined, 'amend needs an artifact') }).strict(),
])
export type GateDecision = z.infer<typeof GateDecision>

export interface SdlcEvent { phase: SdlcPhase; attempt: number; decision: GateDecision['action'] | 'auto'; reason?: string }
