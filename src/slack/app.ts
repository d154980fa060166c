/**
 * The Bolt app: HTTP mode (signed requests on POST /slack/events) or Socket
 * Mode when an app token is set; GET /healthz and GET /metrics either way.
 */
import type { Server } from "node:http";
import {
  App,
  type Logger as BoltLogger,
  type CustomRoute,
  HTTPReceiver,
  LogLevel,
  SocketModeReceiver,
} from "@slack/bolt";
import { WebClient } from "@slack/web-api";
import type { Logger } from "pino";
import { API_PREFIX, apiHandler } from "../api/router.ts";
import type { Ledger } from "../core/ledger/index.ts";
import { createMetrics, type Metrics } from "../http/metrics.ts";
import { healthRoutes } from "../http/routes.ts";
import type { JobsControl } from "../jobs/control.ts";
import { errorMessage, type Message } from "../ui/message.ts";
import { apiFollowUps } from "./flows/assignments.ts";
import type { SlackIdentity } from "./identity.ts";
import { InFlight } from "./in-flight.ts";
import { RequestInbox } from "./inbox.ts";
import { registerListeners } from "./listeners/index.ts";
import type { Kickable } from "./notify.ts";
import { MAX_BODY_BYTES, timestampGuard, workspaceGuard } from "./requests.ts";
import { ViewSeal } from "./seal.ts";
import { createServices, type Services } from "./services.ts";

export interface SlackAppOptions {
  botToken: string;
  signingSecret?: string;
  appToken?: string;
  apiUrl?: string;
  ledger: Ledger;
  logger: Logger;
  /** answers true when the database is reachable */
  databaseHealthy: () => Promise<boolean>;
  metrics?: Metrics;
  /** retry policy of the Web API client (tests set a short one) */
  retryConfig?: { retries: number; factor?: number; minTimeout?: number; maxTimeout?: number };
  /** Socket Mode only: port of the HTTP server for /healthz and /metrics */
  healthPort?: number;
  /** the scheduled jobs, for `/ledger jobs` */
  jobs: JobsControl;
  /** what delivers the outbox: nudged when a message is written, drained by settle() */
  sender: Kickable & { drain(): Promise<unknown> };
  /** who the bot is in Slack (auth.test): the one workspace whose requests are taken */
  identity: SlackIdentity;
  /** how often to look for requests a dead process left unfinished (default 5 s) */
  inboxPollMs?: number;
  /** requests per second each API token may make, and in a burst */
  apiRate?: { perSecond: number; burst: number };
}

export interface Rangekeeper {
  app: App;
  services: Services;
  /** the requests being handled now (acknowledged, listener not finished) */
  inFlight: InFlight;
  /** requests written down before they are acked; handles those a dead process left */
  inbox: RequestInbox;
  /** HTTP mode: listens on `port` (0 picks one) and returns the bound port. Socket Mode: connects. */
  start(port: number): Promise<number | null>;
  /**
   * Stops taking requests, then waits for the requests being handled and
   * the work they started in the background (DMs, App Home refreshes), at
   * most `graceMs`; returns what was still unfinished then (0 and 0 when
   * everything finished).
   */
  stop(options?: { graceMs?: number }): Promise<{ requests: number; background: number; leftInInbox: number }>;
  /** Resolves when the background work started so far has finished and the messages it decided that are due were delivered. */
  settle(): Promise<void>;
}

/** How long stop() waits for requests and background work by default. */
export const DEFAULT_GRACE_MS = 10_000;

/** Bolt's logger interface over pino. */
export function boltLogger(logger: Logger): BoltLogger {
  let level = LogLevel.INFO;
  const log = logger.child({ component: "bolt" });
  return {
    debug: (...m: unknown[]) => log.debug(m.map(String).join(" ")),
    info: (...m: unknown[]) => log.info(m.map(String).join(" ")),
    warn: (...m: unknown[]) => log.warn(m.map(String).join(" ")),
    error: (...m: unknown[]) => log.error(m.map(String).join(" ")),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}

export function createRangekeeper(o: SlackAppOptions): Rangekeeper {
  const metrics = o.metrics ?? createMetrics();
  // The HTTP API beside /slack/events; what Slack shows after its changes comes from the services built below.
  let built: Services | undefined;
  const api = apiHandler({
    ledger: o.ledger,
    logger: o.logger,
    followUps: () => {
      if (!built) throw new Error("the API was asked before the Slack layer was built");
      return apiFollowUps(built);
    },
    ...(o.apiRate ? { rate: o.apiRate } : {}),
    onRefused: (reason) => metrics.refused.inc({ reason: `api_${reason}` }),
  });
  const routes: CustomRoute[] = [
    ...healthRoutes(metrics, o.databaseHealthy, () => o.identity.state),
    { path: `${API_PREFIX}/*rest`, method: ["GET", "POST", "PUT", "PATCH", "DELETE"], handler: api },
  ];
  const logger = boltLogger(o.logger);
  const clientOptions = {
    ...(o.apiUrl ? { slackApiUrl: o.apiUrl } : {}),
    ...(o.retryConfig ? { retryConfig: o.retryConfig } : {}),
  };
  let receiver: HTTPReceiver | SocketModeReceiver;
  if (o.appToken) {
    receiver = new SocketModeReceiver({
      appToken: o.appToken,
      logger,
      customRoutes: routes,
      installerOptions: { port: o.healthPort ?? 3000, clientOptions },
    });
  } else {
    if (!o.signingSecret) throw new Error("HTTP mode needs a signing secret");
    receiver = new HTTPReceiver({
      signingSecret: o.signingSecret,
      endpoints: "/slack/events",
      customRoutes: routes,
      logger,
      processBeforeResponse: false,
      unhandledRequestTimeoutMillis: 3001,
      bodyLimit: MAX_BODY_BYTES,
      customPropertiesExtractor: (req) => {
        const signature = req.headers["x-slack-signature"];
        return typeof signature === "string" ? { signature } : {};
      },
    });
    receiver.requestListener = timestampGuard(receiver.requestListener, "/slack/events", o.logger, (reason) =>
      metrics.refused.inc({ reason }),
    );
  }
  // The installation comes from auth.test, asked once at start-up (identity.ts), not by Bolt on every start.
  const app = new App({
    receiver,
    logger,
    clientOptions,
    deferInitialization: false,
    authorize: async () => {
      const i = await o.identity.ready();
      return { botToken: o.botToken, botId: i.botId, botUserId: i.botUserId, teamId: i.teamId };
    },
  });
  const client = new WebClient(o.botToken, clientOptions);
  const services = createServices(o.ledger, client, o.logger, metrics, o.sender, o.jobs, new ViewSeal(o.botToken));
  built = services;
  const inbox = new RequestInbox(
    o.ledger,
    o.logger,
    (teamId, userId, payload) => services.notifier.dm(teamId, userId, givenUpMessage(payload)).then(() => undefined),
    () => metrics.refused.inc({ reason: "replay" }),
  );
  // Other workspaces' requests stop here, before anything touches the database.
  app.use(workspaceGuard(o.identity, o.logger, (reason) => metrics.refused.inc({ reason })));
  // Observe when each request is fully handled (the ack goes out long before): stop() waits for them.
  const inFlight = new InFlight();
  app.use(async ({ next }) => {
    inFlight.enter();
    try {
      await next();
    } finally {
      inFlight.leave();
    }
  });
  app.use(inbox.middleware());
  registerListeners(app, services);
  app.error(async (e) => {
    o.logger.error({ err: e }, "unhandled Bolt error");
  });
  let receiverStopped: Promise<unknown> | undefined;
  return {
    app,
    services,
    inFlight,
    inbox,
    async start(port: number) {
      let bound: number | null = null;
      if (receiver instanceof HTTPReceiver) {
        const server = (await receiver.start(port)) as Server;
        const addr = server.address();
        bound = typeof addr === "object" && addr ? addr.port : port;
      } else await receiver.start();
      inbox.start(app, o.inboxPollMs ?? 5_000);
      return bound;
    },
    async stop({ graceMs = DEFAULT_GRACE_MS } = {}) {
      const deadline = new Promise<"late">((r) => setTimeout(() => r("late"), graceMs).unref());
      // Once: a second stop (a second signal, a test's cleanup) only waits for the work again.
      receiverStopped ??= receiver.stop();
      await Promise.race([receiverStopped, deadline]);
      const finished = await Promise.race([
        (async () => {
          await inFlight.idle();
          await services.background.idle();
          return "done" as const;
        })(),
        deadline,
      ]);
      // What is still unhandled now is left to the next start (or another replica).
      const leftInInbox = await inbox.stop();
      if (finished === "done") return { requests: 0, background: 0, leftInInbox };
      return { requests: inFlight.size, background: services.background.size, leftInInbox };
    },
    async settle() {
      do {
        await services.background.idle();
        await o.sender.drain();
      } while (services.background.size > 0);
    },
  };
}

/** What a person is told when a request of theirs could not be finished however often it was tried. */
function givenUpMessage(payload: unknown): Message {
  const p = (typeof payload === "object" && payload !== null ? payload : {}) as { command?: unknown; text?: unknown };
  const what =
    typeof p.command === "string"
      ? `\`${`${p.command} ${typeof p.text === "string" ? p.text : ""}`.trim().slice(0, 200)}\``
      : "your last click";
  return errorMessage(
    `rangekeeper could not finish ${what}: it was interrupted several times. Nothing more will happen with it; check \`/mywork\` and try again.`,
  );
}
