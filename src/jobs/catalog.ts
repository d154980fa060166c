/**
 * The scheduled jobs rangekeeper runs: what each decides (through the core)
 * and how its messages look (through the UI builders).
 */
import type { JobDecision } from "../core/jobs/overdue.ts";
import type { Ledger } from "../core/ledger/index.ts";
import {
  imbalanceLeadMessage,
  overdueChannelMessage,
  overdueLeadMessage,
  overdueOwnerMessage,
  stalledOwnerMessage,
} from "../ui/job-messages.ts";

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
  stalled: {
    name: "stalled",
    summary: "nudges owners of ranges in progress with no progress for the stalled days, once per stall",
    run: (ledger, teamId, now, o) =>
      ledger.runStalled(
        teamId,
        now,
        { owner: (_owner, ranges, afterDays) => stalledOwnerMessage(ranges, afterDays) },
        o,
      ),
  },
  imbalance: {
    name: "imbalance",
    summary:
      "tells leads when someone has more than twice the median work while another has less than a day, with moves to even it out",
    run: (ledger, teamId, now, o) =>
      ledger.runImbalance(teamId, now, { lead: (_lead, imbalances) => imbalanceLeadMessage(imbalances) }, o),
  },
  digest: {
    name: "digest",
    summary:
      "sums up the week that ended in each dataset channel (numbers and two charts), and sends each annotator active in it their own numbers by DM",
    run: async (ledger, teamId, now, o) => {
      // The chart libraries load on the first digest, not at start-up.
      const { digestChannelMessage, digestPersonalMessage } = await import("../ui/digest-messages.ts");
      return ledger.runDigest(teamId, now, { channel: digestChannelMessage, person: digestPersonalMessage }, o);
    },
  },
} as const satisfies Record<string, JobDefinition>;

export type BuiltJob = keyof typeof JOBS;
export const BUILT_JOBS = Object.keys(JOBS) as BuiltJob[];

export const isBuiltJob = (name: string): name is BuiltJob => Object.hasOwn(JOBS, name);
