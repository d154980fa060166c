/**
 * Identifiers shared by the Block Kit builders and the Slack listeners that
 * handle what the builders render: button action ids, modal callback ids and
 * the block/action ids of modal inputs.
 */

export const ACTIONS = {
  start: "assignment.start",
  pause: "assignment.pause",
  progress: "assignment.progress",
  submit: "assignment.submit",
  handoff: "assignment.handoff",
  release: "assignment.release",
  /** a release of a range with items done, confirmed: keep the done items, free the rest */
  releaseUnstarted: "assignment.release_unstarted",
  /** a release of a range with items done, confirmed: free everything, discard the count */
  releaseAll: "assignment.release_all",
  /** a submit of a range with items left, confirmed as all done */
  submitConfirmed: "assignment.submit_confirmed",
  /** the answer "no" to a release or submit question: nothing changes */
  keepAsIs: "assignment.keep",
  approve: "handoff.approve",
  reject: "handoff.reject",
  decide: "handoff.decide",
  openReview: "review.open",
  sampleFile: "review.sample_file",
  openClaim: "claim.open",
  refreshHome: "home.refresh",
  claimDataset: "claim.dataset",
  suggestedMove: "imbalance.move",
  proposeDue: "due.propose",
  acceptDue: "due.accept",
  keepDue: "due.keep",
  ackInstructions: "instructions.acknowledge",
  claimInstead: "claim.instead",
} as const;

export const VIEWS = {
  claim: "claim_modal",
  progress: "progress_modal",
  handoff: "handoff_modal",
  decision: "handoff_decision_modal",
  review: "review_modal",
  due: "due_modal",
  loading: "loading_modal",
} as const;

export const SHORTCUTS = {
  claim: "claim_shortcut",
} as const;

/** Block ids (each input has one action inside, whose id is "value"). */
export const INPUTS = {
  claim: { dataset: "dataset", range: "range", size: "size", due: "due", note: "note" },
  progress: { assignment: "assignment", done: "done", action: "action", note: "note" },
  handoff: { assignment: "assignment", to: "to", pool: "pool", range: "range", reason: "reason", done: "done_moved" },
  decision: { decision: "decision", to: "to", comment: "comment" },
  review: { checked: "checked", verdict: "verdict", gold: "gold", comment: "comment", errorPrefix: "error:" },
  due: { due: "due", reason: "reason" },
} as const;

/** The action id of every input element in our modals. */
export const VALUE = "value";
