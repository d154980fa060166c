/**
 * The scheduled jobs rangekeeper runs: what each decides (through the core)
 * and how its messages look (through the UI builders).
 */
import type { JobDecision } from "../core/jobs/overdue.ts";
import type { Ledger } from "../core/ledger/index.ts";
import { overdueChannelMessage, overdueLeadMessage, overdueOwnerMessage } from "../ui/job-messages.ts";

export interface JobDefinition {
  name: string;
  /** one line for `/ledger jobs` and `npm run job` */
  summary: string;
  /** decides what to tell in one workspace as if at `now`, and writes it to the outbox (unless a dry run) */
  run(ledger: Ledger, teamId: string, now: Date, o: { dryRun: boolean }): Promise<JobDecision>;
}

export const JOBS = {
  overdue: {
    name: "overdue",
    summary:
      "reminds owners of ranges past their due date, tells leads when one is late by more than the escalation days, keeps a daily overdue summary in each dataset channel",
    run: (ledger, teamId, now, o) =>
      ledger.runOverdue(
        teamId,
        now,
        {
          owner: (_owner, ranges) => overdueOwnerMessage(ranges),
          lead: (_lead, ranges, afterDays) => overdueLeadMessage(ranges, afterDays),
          channel: (dataset, ranges, date) => overdueChannelMessage(dataset, ranges, date),
        },
        o,
      ),
  },
} as const satisfies Record<string, JobDefinition>;

export type BuiltJob = keyof typeof JOBS;
export const BUILT_JOBS = Object.keys(JOBS) as BuiltJob[];

export const isBuiltJob = (name: string): name is BuiltJob => Object.hasOwn(JOBS, name);
