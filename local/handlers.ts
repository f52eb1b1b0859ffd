import type { EvidenceStore } from '../functions/adapters/evidence-store.js';
import type { LedgerWriter } from '../functions/adapters/ledger-writer.js';
import type { AwsMessaging } from '../functions/adapters/messaging.js';
import type {
  EventPublisher,
  ExecutionStarter,
  LadderContinuer,
  TaskCallbacks,
} from '../functions/adapters/workflow.js';
import type { PolicyRegistry } from '../functions/domain/policies.js';
import type { VirtualClock } from './clock.js';
import type { LocalKeys } from './keys.js';
import { type LocalStores, runAs } from './sdk.js';
import { type LocalServices, localAwsEnv } from './services/index.js';

/**
 * The functions as the stack deploys them: their modules loaded into the local environment, and
 * each handler built with its dependencies (the local stores, clock and edges).
 */

export interface EnvironmentOptions {
  logLevel?: string;
  /**
   * Powertools' development mode (pretty logs, no metric output): on by default locally. Off, logs are
   * the JSON lines and metrics the EMF documents a Lambda prints (the privacy test reads them).
   */
  powertoolsDev?: boolean;
}

/** Points the functions' environment at the local services, then loads their modules. */
export async function loadFunctionModules(services: LocalServices, options: EnvironmentOptions) {
  Object.assign(process.env, localAwsEnv(services), {
    POWERTOOLS_LOG_LEVEL: options.logLevel ?? 'SILENT',

    POWERTOOLS_TRACE_ENABLED: 'false',
    POWERTOOLS_DEV: options.powertoolsDev === false ? 'false' : 'true',
    AWS_SDK_JS_SUPPRESS_NODE_DEPRECATION_WARNING: '1',
  });
  // Imported after the environment is set: Powertools reads it when its modules load.
  return awaitAll({
    env: import('../functions/adapters/env.js'),
    messaging: import('../functions/adapters/messaging.js'),
    policies: import('../functions/domain/policies.js'),
    segments: import('../functions/domain/segments.js'),
    links: import('../functions/domain/links.js'),
    intake: import('../functions/intake/handler.js'),
    stage: import('../functions/stage/handler.js'),
    humanTask: import('../functions/human-task/handler.js'),
    events: import('../functions/events/handler.js'),
    agentApiCore: import('../functions/agent-api/core.js'),
    deskApiCore: import('../functions/desk-api/core.js'),
    borrowerApiCore: import('../functions/borrower-api/core.js'),
    eventsCore: import('../functions/events/core.js'),
    inboundSms: import('../functions/inbound-sms/handler.js'),
    erasure: import('../functions/erasure/handler.js'),
    ledgerWriter: import('../functions/ledger-writer/handler.js'),
    delivery: import('../functions/delivery/handler.js'),
  });
}

/** Awaits an object's promises together (as Promise.all does), keeping their keys. */
async function awaitAll<T extends Record<string, Promise<unknown>>>(
  promises: T,
): Promise<{ [K in keyof T]: Awaited<T[K]> }> {
  const values = await Promise.all(Object.values(promises));
  return Object.fromEntries(Object.keys(promises).map((key, i) => [key, values[i]])) as {
    [K in keyof T]: Awaited<T[K]>;
  };
}

export type FunctionModules = Awaited<ReturnType<typeof loadFunctionModules>>;

export interface HandlerDeps {
  stores: LocalStores;
  messaging: AwsMessaging;
  callbacks: TaskCallbacks;
  clock: VirtualClock;
  policies: PolicyRegistry;
  bus: EventPublisher;
  evidence: EvidenceStore;
  starter: ExecutionStarter;
  /** The stage's way to continue a ladder in a fresh execution. */
  continuer: LadderContinuer;
  keys: LocalKeys;
  /** The stage's way to the ledger: an invocation of the ledger writer function, as on AWS. */
  writer: LedgerWriter;
  /** The borrower page's origin for the links in messages (`ladder serve`'s, once it listens). */
  pagesUrl: () => string;
}

/** Each function's handler, by the name the runtime invokes it by. */
export function buildHandlers(modules: FunctionModules, deps: HandlerDeps) {
  const { stores: s, messaging, callbacks, clock, policies, bus, evidence, starter, keys, writer } = deps;
  const { continuer } = deps;
  /** The events function's dependencies; erasure and inbound SMS apply their events through the same core. */
  const eventsDeps = { cases: s.cases(), callbacks, clock, policies, bus, tasks: s.tasks() };
  return {
    intake: modules.intake.buildIntakeHandler({
      cases: s.cases(),
      contacts: s.contacts(),
      starter,
      clock,
      policies,
      // Routed by segment as on AWS, unless the run has its own policy (a scenario's): it is then every loan's.
      ...(policies === modules.policies.bundledPolicies()
        ? { segments: modules.segments.bundledSegments(policies) }
        : {}),
      lines: keys.line,
    }),
    stage: modules.stage.buildStageHandler({
      cases: s.cases(),
      contacts: s.contacts(),
      conversations: s.conversations(),
      ledger: s.ledger(),
      writer,
      messaging,
      bus,
      clock,
      policies,
      evidence,
      continuer,
      links: modules.links.linkIssuer(keys.link, deps.pagesUrl, modules.links.newLinkId),
    }),
    humanTask: modules.humanTask.buildHumanTaskHandler({
      cases: s.cases(),
      tasks: s.tasks(),
      callbacks,
      clock,
      policies,
    }),
    events: modules.events.buildEventsHandler({
      ...eventsDeps,
      profileLedger: { ledger: s.ledger(), writer, policies },
    }),
    erasure: modules.erasure.buildErasureHandler({
      ...eventsDeps,
      contacts: s.contacts(),
      conversations: s.conversations(),
    }),
    inboundSms: modules.inboundSms.buildInboundSmsHandler({
      contacts: s.contacts(),
      events: modules.eventsCore.createEventsCore(
        modules.inboundSms.inboundSmsEventsDeps({ cases: eventsDeps.cases, clock, policies }),
      ),
      clock,
      replies: {
        cases: s.cases(),
        conversations: s.conversations(),
        tasks: s.tasks(),
        ledger: s.ledger(),
        writer,
        policies,
        clock,
      },
    }),
    delivery: modules.delivery.buildDeliveryHandler({
      cases: s.cases(),
      ledger: s.ledger(),
      writer,
      policies,
      clock,
    }),
    ledgerWriter: modules.ledgerWriter.buildLedgerWriterHandler({
      ledger: s.ledger(),
      seals: s.seals(),
      key: keys.seal,
      clock,
    }),
  };
}

export type Handlers = ReturnType<typeof buildHandlers>;

/** The identity the simulated desk claims and completes tasks as. */
export const SIMULATED_AGENT = 'simulated-desk';

/** The agents' side of human tasks: the work-queue API (API Gateway on AWS), and completing a task. */
export function agentDesk(
  modules: FunctionModules,
  deps: Pick<HandlerDeps, 'stores' | 'callbacks' | 'clock' | 'policies'>,
) {
  const core = modules.agentApiCore.createAgentApiCore({
    tasks: deps.stores.tasks(),
    cases: deps.stores.cases(),
    conversations: deps.stores.conversations(),
    callbacks: deps.callbacks,
    clock: deps.clock,
    policies: deps.policies,
  });
  // API Gateway invokes the agent API function: each request runs as it, under its role.
  const api: typeof core = (request) => runAs('agentApi', { ddb: 0 }, () => core(request));
  // The desk's API (Cognito-authorised on AWS) is a function of its own: it alone reads contact details.
  const deskCore = modules.deskApiCore.createDeskApiCore({
    tasks: deps.stores.tasks(),
    cases: deps.stores.cases(),
    conversations: deps.stores.conversations(),
    contacts: deps.stores.contacts(),
    ledger: deps.stores.ledger(),
    callbacks: deps.callbacks,
    clock: deps.clock,
    policies: deps.policies,
  });
  const deskApi: typeof deskCore = (request) => runAs('deskApi', { ddb: 0 }, () => deskCore(request));
  /** Claims the task, then completes it, as one agent would through the API; refusals come back as errors. */
  async function completeTask(taskId: string, outcome: unknown, agent = SIMULATED_AGENT) {
    const desk = taskId.includes('#SPECIALIST#') ? '/specialist' : '';
    const path = `${desk}/tasks/${encodeURIComponent(taskId)}`;
    for (const [action, body] of [
      ['claim', null],
      ['complete', JSON.stringify(outcome)],
    ] as const) {
      const out = await api({ method: 'POST', path: `${path}/${action}`, query: {}, body, caller: agent });
      if (out.status !== 200) {
        const error = (out.body as { error?: string }).error ?? `HTTP ${out.status}`;
        throw Object.assign(new Error(`${action} ${taskId}: ${error}`), {
          name: 'TaskRefused',
          status: out.status,
        });
      }
    }
  }
  return { api, deskApi, completeTask };
}

/**
 * The borrower page's API (API Gateway behind CloudFront on AWS) over the local stores: it runs as the
 * borrower API function, under that function's IAM, and checks links with the (IAM-checked) link key.
 */
export function borrowerPage(
  modules: FunctionModules,
  deps: Pick<
    HandlerDeps,
    'stores' | 'callbacks' | 'clock' | 'policies' | 'bus' | 'keys' | 'messaging' | 'writer'
  >,
) {
  const { stores: s, callbacks, clock, policies, bus } = deps;
  const profileLedger = { ledger: s.ledger(), writer: deps.writer, policies };
  const core = modules.borrowerApiCore.createBorrowerApiCore({
    cases: s.cases(),
    tasks: s.tasks(),
    callbacks,
    clock,
    policies,
    links: deps.keys.link,
    events: modules.eventsCore.createEventsCore({
      cases: s.cases(),
      callbacks,
      clock,
      policies,
      bus,
      tasks: s.tasks(),
      profileLedger,
    }),
    // One-time codes go out through the same (IAM-checked) SNS and SES clients as the stage's messages.
    correction: {
      contacts: s.contacts(),
      messaging: deps.messaging,
      cases: s.cases(),
      clock,
      profileLedger,
      lines: deps.keys.line,
    },
  });
  const api: typeof core = (request) => runAs('borrowerApi', { ddb: 0 }, () => core(request));
  return api;
}
