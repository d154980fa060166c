/**
 * The API's router on a plain HTTP server over a ledger fixture (no Slack):
 * what the API's own tests drive. The follow-ups in Slack are recorded.
 */
import { createServer } from "node:http";
import pino from "pino";
import { API_PREFIX, apiHandler } from "../../src/api/router.ts";
import type { ApiFollowUps } from "../../src/api/routes.ts";
import type { AssignmentView } from "../../src/core/types.ts";
import type { LedgerFixture } from "./ledger.ts";

export interface ApiServer {
  /** http://127.0.0.1:<port>/api/v1 */
  base: string;
  /** the ranges the API reported changed to Slack, in order */
  progressed: AssignmentView[];
  close(): Promise<void>;
}

export async function startApiServer(f: LedgerFixture, rate: { perSecond: number; burst: number }): Promise<ApiServer> {
  const progressed: AssignmentView[] = [];
  const followUps: ApiFollowUps = { progressed: (_a, v) => progressed.push(v), submitted: () => undefined };
  const handler = apiHandler({ ledger: f.ledger, logger: pino({ level: "silent" }), followUps: () => followUps, rate });
  const server = createServer((req, res) => {
    if (req.url?.startsWith(API_PREFIX)) handler(req, res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    base: `http://127.0.0.1:${(server.address() as { port: number }).port}${API_PREFIX}`,
    progressed,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
