/**
 * Every span name and attribute key Switchyard emits, in one place. The `gen_ai.*` names follow the
 * OpenTelemetry GenAI semantic conventions, release v0.1.0 of the semantic-conventions-genai repository
 * (built on semantic conventions v1.45.0); all of them are still "development" status and may change.
 * `switchyard.*` names are ours.
 */
export const GENAI_CONVENTIONS_VERSION = 'semantic-conventions-genai v0.1.0 (semconv v1.45.0)'

/** The instrumentation scope of every span. */
export const TRACER_NAME = 'switchyard'

/** Span names; the variable part is low-cardinality (a graph, node, model, tool or route name). */
export const SPAN = {
  run: (graph: string) => `invoke_workflow ${graph}`,
  agent: (name: string) => `invoke_agent ${name}`,
  node: (name: string) => `node ${name}`,
  step: (id: string) => `step ${id}`,
  stepAttempt: (id: string) => `step_attempt ${id}`,
  chat: (model: string) => `chat ${model}`,
  tool: (name: string) => `execute_tool ${name}`,
  retrieval: 'retrieval',
  http: (method: string, route: string) => `${method} ${route}`,
  wsCommand: (method: string) => `ws ${method}`,
} as const

/** `gen_ai.operation.name` values used. */
export const GEN_AI_OPERATION = {
  workflow: 'invoke_workflow',
  agent: 'invoke_agent',
  chat: 'chat',
  tool: 'execute_tool',
  retrieval: 'retrieval',
} as const

/** Attribute keys. */
export const ATTR = {
  // GenAI (development)
  operationName: 'gen_ai.operation.name',
  providerName: 'gen_ai.provider.name',
  agentName: 'gen_ai.agent.name',
  conversationId: 'gen_ai.conversation.id',
  requestModel: 'gen_ai.request.model',
  requestTemperature: 'gen_ai.request.temperature',
  responseModel: 'gen_ai.response.model',
  responseId: 'gen_ai.response.id',
  finishReasons: 'gen_ai.response.finish_reasons',
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
  toolName: 'gen_ai.tool.name',
  toolCallId: 'gen_ai.tool.call.id',
  toolType: 'gen_ai.tool.type',
  dataSourceId: 'gen_ai.data_source.id',
  retrievalTopK: 'gen_ai.retrieval.top_k',
  // GenAI content (opt-in: SWITCHYARD_TRACE_CONTENT=1)
  inputMessages: 'gen_ai.input.messages',
  outputMessages: 'gen_ai.output.messages',
  toolCallArguments: 'gen_ai.tool.call.arguments',
  toolCallResult: 'gen_ai.tool.call.result',
  retrievalQuery: 'gen_ai.retrieval.query.text',
  retrievalDocuments: 'gen_ai.retrieval.documents',
  // general (stable)
  errorType: 'error.type',
  serverAddress: 'server.address',
  serverPort: 'server.port',
  httpMethod: 'http.request.method',
  httpRoute: 'http.route',
  httpStatus: 'http.response.status_code',
  urlPath: 'url.path',
  // ours
  threadId: 'switchyard.thread.id',
  runId: 'switchyard.run.id',
  assistantId: 'switchyard.assistant.id',
  runAttempt: 'switchyard.run.attempt',
  runStatus: 'switchyard.run.status',
  linkType: 'switchyard.link.type',
  nodeName: 'switchyard.node.name',
  nodeInterrupted: 'switchyard.node.interrupted',
  stepId: 'switchyard.step.id',
  stepType: 'switchyard.step.type',
  stepStatus: 'switchyard.step.status',
  stepAttempt: 'switchyard.step.attempt',
  stepAttempts: 'switchyard.step.attempts',
  stepCacheHit: 'switchyard.step.cache_hit',
  retrievalHits: 'switchyard.retrieval.hits',
  protocolMethod: 'switchyard.protocol.method',
  protocolCommandId: 'switchyard.protocol.command_id',
} as const

/** The environment variable that opts in to message contents, tool arguments and results, and retrieval queries. */
export const TRACE_CONTENT_ENV = 'SWITCHYARD_TRACE_CONTENT'
