/** The App Home tab: my ranges with progress and buttons; for leads, team load and pending approvals. */
import type { HomeView, KnownBlock } from "@slack/types";
import type { InstructionsView } from "../core/ledger/index.ts";
import type { HomeQa } from "../core/qa/home.ts";
import type { Quality } from "../core/qa/summary.ts";
import { formatRange } from "../core/ranges.ts";
import type { AssignmentView, HandoffView, ReviewView, Role } from "../core/types.ts";
import type { AnnotatorLoad } from "../core/workload.ts";
import { assignmentCard } from "./assignment.ts";
import { button, context, divider, esc, header, mention, plural, section } from "./format.ts";
import { ACTIONS } from "./ids.ts";
import { instructionsLine } from "./instruction-messages.ts";
import { proportionText } from "./qa-messages.ts";

export interface HomeInput {
  userId: string;
  role: Role;
  today: string;
  assignments: AssignmentView[];
  reviews: ReviewView[];
  /** only for leads */
  pendingHandoffs?: HandoffView[];
  load?: AnnotatorLoad[];
  /** the current instructions of the datasets of my ranges, by dataset id */
  instructions?: ReadonlyMap<number, InstructionsView>;
  /** my QA numbers (and, for leads, the datasets') */
  qa?: HomeQa;
}

const MAX_BLOCKS = 100;

export function homeView(h: HomeInput): HomeView {
  const blocks: KnownBlock[] = [
    header("rangekeeper"),
    {
      type: "actions",
      block_id: "home:actions",
      elements: [
        button("Claim a range", ACTIONS.openClaim, "claim", "primary"),
        button("Refresh", ACTIONS.refreshHome, "refresh"),
      ],
    },
  ];
  const open = h.assignments.filter((a) => a.status !== "COMPLETED");
  const done = h.assignments.filter((a) => a.status === "COMPLETED");
  blocks.push(header(`Your ranges (${open.length})`));
  if (open.length === 0)
    blocks.push(
      section(`You hold no open ranges. Claim some with *Claim a range* or \`${esc("/claim <dataset> next")}\`.`),
    );
  for (const a of open.slice(0, 12)) {
    const i = h.instructions?.get(a.datasetId);
    blocks.push(...assignmentCard(a, { today: h.today }), ...(i ? [context(instructionsLine(i))] : []), divider());
  }
  if (open.length > 12) blocks.push(context(`…and ${open.length - 12} more; \`/mywork\` lists them all.`));
  if (h.qa) blocks.push(...myQaBlocks(h.qa));
  if (done.length) {
    blocks.push(
      context(
        `Completed: ${done
          .slice(0, 10)
          .map((a) => `${a.ref} (${esc(a.dataset)} ${formatRange(a)})`)
          .join(", ")}${done.length > 10 ? ` and ${done.length - 10} more` : ""}`,
      ),
    );
  }
  if (h.reviews.length) {
    blocks.push(header(`Reviews waiting for you (${h.reviews.length})`));
    for (const r of h.reviews.slice(0, 8)) {
      blocks.push(
        section(
          `*${r.assignmentRef}* · ${esc(r.dataset)} by ${mention(r.annotatorId)} · ${plural(r.sampleSize, "item")} to check`,
          button("Review", ACTIONS.openReview, r.ref, "primary"),
        ),
      );
    }
  }
  if (h.pendingHandoffs) {
    blocks.push(header(`Handoffs to decide (${h.pendingHandoffs.length})`));
    if (h.pendingHandoffs.length === 0) blocks.push(section("Nothing waits for a decision."));
    for (const r of h.pendingHandoffs.slice(0, 8)) {
      const mine = r.requesterId === h.userId;
      blocks.push(
        section(
          `${r.ref}: ${mention(r.requesterId)} → ${r.toUserId ? mention(r.toUserId) : "the pool"} · *${r.assignmentRef}* ${formatRange(r)}\n_${esc(r.reason)}_`,
        ),
      );
      if (!mine) {
        blocks.push({
          type: "actions",
          block_id: `home:handoff:${r.ref}`,
          elements: [
            button("Approve", ACTIONS.approve, r.ref, "primary"),
            button("Reject", ACTIONS.reject, r.ref, "danger"),
            button("Decide with comment…", ACTIONS.decide, r.ref),
          ],
        });
      }
    }
  }
  if (h.load) {
    const busy = h.load.filter((l) => l.remainingItems > 0 || l.openRanges > 0);
    blocks.push(header("Team load"));
    blocks.push(
      section(
        busy.length
          ? busy
              .slice(0, 20)
              .map(
                (l) =>
                  `${mention(l.userId)} · ${plural(l.remainingItems, "item")} left in ${plural(l.openRanges, "range")} · *${l.daysOfWork} d* at ${l.capacityPerWeek}/wk`,
              )
              .join("\n")
          : "Nobody holds open items.",
      ),
    );
  }
  if (h.qa?.datasets.length) blocks.push(...datasetQaBlocks(h.qa));
  return { type: "home", blocks: fit(blocks) };
}

const pct = (x: number) => `${(x * 100).toFixed(0)} %`;

/** "accuracy 95.0 % (95 % CI …) · first pass 3 of 4 ranges (75 %)", or what is not measured yet. */
function qualityText(q: Quality): string {
  const accuracy =
    q.accuracy.kind === "measured" ? `accuracy ${proportionText(q.accuracy, "item")} checked` : "no review decided";
  const first =
    q.firstPass.ranges > 0 && q.firstPass.rate !== null
      ? ` · first pass ${q.firstPass.acceptedFirst} of ${plural(q.firstPass.ranges, "range")} (${pct(q.firstPass.rate)})`
      : "";
  return accuracy + first;
}

function myQaBlocks(qa: HomeQa): KnownBlock[] {
  const title = `*Your QA, last ${qa.weeks} weeks*`;
  if (qa.mine.length === 0)
    return [
      context(`${title}: nothing of yours was completed or reviewed yet. \`/ledger qa me\` shows it once it is.`),
    ];
  return [
    section(
      [
        title,
        ...qa.mine
          .slice(0, 5)
          .map(
            (l) => `*${esc(l.dataset)}*: ${qualityText(l.mine)} · ${plural(l.mine.throughput.items, "item")} completed`,
          ),
      ].join("\n"),
    ),
    context(`Only you see these. \`/ledger qa me\` has more.`),
  ];
}

function datasetQaBlocks(qa: HomeQa): KnownBlock[] {
  const blocks: KnownBlock[] = [header(`Datasets, last ${qa.weeks} weeks`)];
  for (const d of qa.datasets) {
    const s = d.summary;
    const top = s.pareto
      .slice(0, 3)
      .map((p) => `${esc(p.category)} ${p.count}`)
      .join(", ");
    blocks.push(
      section(
        `*${esc(d.title)}* (\`${esc(d.slug)}\`): ${plural(s.throughput.items, d.itemNoun)} completed · ${qualityText(s)}${top ? ` · errors: ${top}` : ""}${s.unassignedReviews ? ` · ${plural(s.unassignedReviews, "review")} waiting for a reviewer` : ""}`,
      ),
    );
  }
  const asOf = Math.min(...qa.datasets.map((d) => d.asOf.getTime()));
  blocks.push(
    context(
      `As of <!date^${Math.floor(asOf / 1000)}^{time}|${new Date(asOf).toISOString().slice(11, 16)} UTC> (updated every few minutes) · \`/ledger qa <dataset>\` for the full numbers.`,
    ),
  );
  return blocks;
}

/** Keeps a view within Slack's 100-block limit, saying that something was left out. */
function fit(blocks: KnownBlock[]): KnownBlock[] {
  if (blocks.length <= MAX_BLOCKS) return blocks;
  return [
    ...blocks.slice(0, MAX_BLOCKS - 1),
    context("Some entries were left out; use `/mywork` and `/ledger status` for the full lists."),
  ];
}
