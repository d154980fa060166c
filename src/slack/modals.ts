/**
 * Opening our modals. A trigger id is single-use and expires in 3 s, so each
 * opener shows a loading modal at once, then loads the data and updates it.
 */
import type { ModalView } from "@slack/types";
import type { Actor } from "../core/types.js";
import { atLeast, requireRole } from "../core/roles.js";
import { forbidden } from "../core/errors.js";
import { OPEN_STATUSES } from "../core/transitions.js";
import { claimModal, decisionModal, handoffModal, loadingModal, noticeModal, progressModal, reviewModal, type HandoffPrefill, type ModalMetadata } from "../ui/modals.js";
import { escKeepMentions } from "../ui/format.js";
import { todayOf, type Services } from "./services.js";
import { errorReply } from "./reply.js";

async function openThenLoad(s: Services, triggerId: string, title: string, m: ModalMetadata, load: () => Promise<ModalView>): Promise<void> {
  const opened = await s.client.views.open({ trigger_id: triggerId, view: loadingModal(title, m) });
  const viewId = opened.view?.id;
  if (!viewId) throw new Error("views.open returned no view id");
  let view: ModalView;
  try {
    view = await load();
  } catch (e) {
    view = noticeModal(title, `:raised_hand: ${escKeepMentions(errorReply(e, s.logger, `modal ${title}`).text)}`);
  }
  await s.client.views.update({ view_id: viewId, hash: opened.view?.hash, view });
}

export async function claimModalFor(s: Services, actor: Actor, slug: string | null, m: ModalMetadata): Promise<ModalView> {
  const datasets = await s.ledger.listDatasets(actor.teamId);
  const selected = datasets.find((d) => d.slug === slug) ?? (datasets.length === 1 ? datasets[0]! : null);
  const cov = selected ? await s.ledger.coverage(actor.teamId, selected.slug) : null;
  const span = cov?.gaps.find((g) => g.last - g.first + 1 >= selected!.batchSize) ?? null;
  return claimModal({
    datasets,
    selected,
    suggestion: span && selected ? { first: span.first, last: span.first + selected.batchSize - 1 } : null,
    freeItems: cov?.freeItems ?? null,
    today: await todayOf(s, actor.teamId, actor.userId),
    metadata: m,
  });
}

export const openClaimModal = (s: Services, triggerId: string, actor: Actor, m: ModalMetadata) =>
  openThenLoad(s, triggerId, "Claim a range", m, () => claimModalFor(s, actor, null, m));

export const openProgressModal = (s: Services, triggerId: string, actor: Actor, m: ModalMetadata, ref?: string) =>
  openThenLoad(s, triggerId, "Update progress", m, async () => {
    const mine = await s.ledger.listAssignments(actor.teamId, { assigneeId: actor.userId, statuses: OPEN_STATUSES });
    return progressModal(mine, ref, m);
  });

export const openHandoffModal = (s: Services, triggerId: string, actor: Actor, m: ModalMetadata, prefill: HandoffPrefill = {}) =>
  openThenLoad(s, triggerId, "Hand off a range", m, async () => {
    const role = await s.ledger.effectiveRole(actor);
    const lead = atLeast(role, "LEAD");
    let list = await s.ledger.listAssignments(actor.teamId, { assigneeId: actor.userId, statuses: OPEN_STATUSES });
    if (prefill.ref && !list.some((a) => a.ref === prefill.ref)) {
      // A lead may hand off anyone's range (e.g. from an imbalance suggestion).
      const a = await s.ledger.getAssignment(actor.teamId, prefill.ref);
      if (lead || a.assigneeId === actor.userId) list = [a, ...list];
    }
    return handoffModal(list, prefill, m, lead);
  });

export const openDecisionModal = (s: Services, triggerId: string, actor: Actor, ref: string, m: ModalMetadata) =>
  openThenLoad(s, triggerId, "Decide a handoff", m, async () => {
    const h = await s.ledger.getHandoff(actor.teamId, ref);
    if (h.status !== "PENDING") {
      return noticeModal("Decide a handoff", `${h.ref} was already ${h.status.toLowerCase()}${h.decidedById ? ` by <@${h.decidedById}>` : ""}.`);
    }
    // Only someone who may decide sees the form (the ledger refuses the others on submit anyway).
    const d = await s.ledger.getDataset(actor.teamId, h.dataset);
    requireRole(await s.ledger.effectiveRole(actor, d.id), "LEAD", "approve or reject handoffs");
    if (h.requesterId === actor.userId) throw forbidden(`nobody decides their own request; another lead must decide ${h.ref}`);
    return decisionModal(h, m);
  });

export const openReviewModal = (s: Services, triggerId: string, actor: Actor, reviewRef: string, m: ModalMetadata) =>
  openThenLoad(s, triggerId, "Review", m, async () => {
    const r = await s.ledger.getReview(actor.teamId, reviewRef);
    if (r.status !== "PENDING") return noticeModal("Review", `${r.ref} of ${r.assignmentRef} was already decided.`);
    if (r.annotatorId === actor.userId) return noticeModal("Review", `Nobody reviews their own range; ${r.assignmentRef} is yours.`);
    const a = await s.ledger.getAssignment(actor.teamId, r.assignmentId);
    const d = await s.ledger.getDataset(actor.teamId, a.dataset);
    return reviewModal(r, a, d, m);
  });

/** Shows a message in a modal (where there is no channel to answer in, e.g. the App Home). */
export async function showNotice(s: Services, triggerId: string, title: string, text: string): Promise<void> {
  await s.client.views.open({ trigger_id: triggerId, view: noticeModal(title, text) });
}
