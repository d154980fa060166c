/**
 * Opening our modals. A trigger id is single-use and expires in 3 s, so each
 * opener shows a loading modal at once, then loads the data and updates it.
 * Whether someone may use a form is the ledger's to say, and it is asked
 * first: a refusal opens no modal but is thrown to the listener, which answers
 * with the sentence the submission would get. A refusal found while loading
 * (something changed meanwhile) replaces the loading modal with its reason.
 */
import type { ModalView } from "@slack/types";
import { defaultClaimSize } from "../core/ledger/assignments.ts";
import { atLeast } from "../core/roles.ts";
import { OPEN_STATUSES } from "../core/transitions.ts";
import type { Actor } from "../core/types.ts";
import type { Message } from "../ui/message.ts";
import {
  claimModal,
  decisionModal,
  dueProposalModal,
  type HandoffPrefill,
  handoffModal,
  loadingModal,
  type ModalMetadata,
  noticeModal,
  progressModal,
  reviewModal,
} from "../ui/modals.ts";
import { errorReply } from "./reply.ts";
import { type Services, todayOf } from "./services.ts";

async function openThenLoad(
  s: Services,
  triggerId: string,
  actor: Actor,
  title: string,
  m: ModalMetadata,
  load: () => Promise<ModalView>,
  mayUse?: () => Promise<unknown>,
): Promise<void> {
  await mayUse?.();
  // Sealed for this person: a submission of anything else is refused (seal.ts).
  const seal = <V extends ModalView>(v: V) => s.seal.seal(v, actor.teamId, actor.userId);
  const opened = await s.client.views.open({ trigger_id: triggerId, view: seal(loadingModal(title, m)) });
  const viewId = opened.view?.id;
  if (!viewId) throw new Error("views.open returned no view id");
  let view: ModalView;
  try {
    view = await load();
  } catch (e) {
    view = noticeModal(title, errorReply(e, s.logger, `modal ${title}`));
  }
  await s.client.views.update({ view_id: viewId, hash: opened.view?.hash, view: seal(view) });
}

export async function claimModalFor(
  s: Services,
  actor: Actor,
  slug: string | null,
  m: ModalMetadata,
): Promise<ModalView> {
  const datasets = await s.ledger.listDatasets(actor.teamId);
  const selected = datasets.find((d) => d.slug === slug) ?? (datasets.length === 1 ? datasets[0]! : null);
  const cov = selected ? await s.ledger.coverage(actor.teamId, selected.slug) : null;
  const size = selected ? defaultClaimSize(selected) : 0;
  const span = cov?.gaps.find((g) => g.last - g.first + 1 >= size) ?? null;
  return claimModal({
    datasets,
    // with its current instructions
    selected: cov?.dataset ?? selected,
    suggestion: span && selected ? { first: span.first, last: span.first + size - 1 } : null,
    freeItems: cov?.freeItems ?? null,
    today: await todayOf(s, actor.teamId, actor.userId),
    metadata: m,
  });
}

export const openClaimModal = (s: Services, triggerId: string, actor: Actor, m: ModalMetadata) =>
  openThenLoad(s, triggerId, actor, "Claim a range", m, () => claimModalFor(s, actor, null, m));

export const openProgressModal = (s: Services, triggerId: string, actor: Actor, m: ModalMetadata, ref?: string) =>
  openThenLoad(
    s,
    triggerId,
    actor,
    "Update progress",
    m,
    async () => {
      let mine = await s.ledger.listAssignments(actor.teamId, { assigneeId: actor.userId, statuses: OPEN_STATUSES });
      if (ref && !mine.some((a) => a.ref === ref)) {
        // Not theirs, so the actor leads its dataset (checkMayChange let them through): a lead may update it.
        const a = await s.ledger.getAssignment(actor.teamId, ref);
        if (OPEN_STATUSES.includes(a.status)) mine = [a, ...mine];
      }
      return progressModal(mine, ref, m);
    },
    ref ? () => s.ledger.checkMayChange(actor, ref, "update") : undefined,
  );

export const openDueProposalModal = (s: Services, triggerId: string, actor: Actor, m: ModalMetadata, ref: string) =>
  openThenLoad(
    s,
    triggerId,
    actor,
    "Propose a new date",
    m,
    async () => dueProposalModal(await s.ledger.getAssignment(actor.teamId, ref), m),
    () => s.ledger.checkMayProposeDue(actor, ref),
  );

export const openHandoffModal = (
  s: Services,
  triggerId: string,
  actor: Actor,
  m: ModalMetadata,
  prefill: HandoffPrefill = {},
) =>
  openThenLoad(
    s,
    triggerId,
    actor,
    "Hand off a range",
    m,
    async () => {
      const role = await s.ledger.effectiveRole(actor);
      const lead = atLeast(role, "LEAD");
      let list = await s.ledger.listAssignments(actor.teamId, { assigneeId: actor.userId, statuses: OPEN_STATUSES });
      if (prefill.ref && !list.some((a) => a.ref === prefill.ref)) {
        // A lead may hand off anyone's range (e.g. from an imbalance suggestion).
        const a = await s.ledger.getAssignment(actor.teamId, prefill.ref);
        if (lead || a.assigneeId === actor.userId) list = [a, ...list];
      }
      return handoffModal(list, prefill, m, lead);
    },
    prefill.ref ? () => s.ledger.checkMayChange(actor, prefill.ref!, "hand off") : undefined,
  );

export const openDecisionModal = (s: Services, triggerId: string, actor: Actor, ref: string, m: ModalMetadata) =>
  openThenLoad(
    s,
    triggerId,
    actor,
    "Decide a handoff",
    m,
    async () => decisionModal(await s.ledger.handoffToDecide(actor, ref), m),
    () => s.ledger.handoffToDecide(actor, ref),
  );

export const openReviewModal = (s: Services, triggerId: string, actor: Actor, reviewRef: string, m: ModalMetadata) =>
  openThenLoad(
    s,
    triggerId,
    actor,
    "Review",
    m,
    async () => {
      const { review, assignment, dataset } = await s.ledger.reviewToDecide(actor, reviewRef);
      return reviewModal(review, assignment, dataset, m);
    },
    () => s.ledger.checkMayDecideReview(actor, reviewRef),
  );

/** Shows a refusal or a result in a modal (where there is no channel to answer in, e.g. the App Home). */
export async function showNotice(s: Services, triggerId: string, title: string, message: Message): Promise<void> {
  await s.client.views.open({ trigger_id: triggerId, view: noticeModal(title, message) });
}
