/**
 * Every role boundary of the ledger from both sides: the strongest role
 * still refused (with its sentence, changing nothing) and the weakest role
 * allowed, for annotators, reviewers, leads (of the workspace or of one
 * dataset), and admins (configured, granted, or Slack workspace admins).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Actor, Role } from "../../src/core/types.ts";
import {
  ADMIN,
  ANA,
  actor,
  BOB,
  expectDomainError,
  LEAD,
  type LedgerFixture,
  ledgerFixture,
  REVIEWER,
  TEAM,
} from "../support/ledger.ts";

/** Someone with no role: an annotator, who owns none of the ranges tried on. */
const ANNOTATOR = actor("UCAL");
/** A reviewer to whom none of the reviews tried on is assigned. */
const OTHER_REVIEWER = actor("UREV2");
/** A lead of the dataset "roles" only (an annotator elsewhere). */
const DATASET_LEAD = actor("UDSLEAD");
/** An admin by the ledger's own role (not a configured admin). */
const GRANTED_ADMIN = actor("UGRANTED");
/** A Slack workspace admin with no role in the ledger. */
const SLACK_ADMIN = actor("USLACK", { workspaceAdmin: true });

const RANK: Record<Role, number> = { ANNOTATOR: 0, REVIEWER: 1, LEAD: 2, ADMIN: 3 };

interface Who {
  name: string;
  actor: Actor;
  role: Role;
  /** true when the role holds on the dataset "roles" only */
  onDatasetOnly?: boolean;
}

const PEOPLE: Who[] = [
  { name: "an annotator", actor: ANNOTATOR, role: "ANNOTATOR" },
  { name: "a reviewer", actor: OTHER_REVIEWER, role: "REVIEWER" },
  { name: "a lead of the dataset", actor: DATASET_LEAD, role: "LEAD", onDatasetOnly: true },
  { name: "a lead", actor: LEAD, role: "LEAD" },
  { name: "an admin (granted)", actor: GRANTED_ADMIN, role: "ADMIN" },
  { name: "an admin (configured)", actor: ADMIN, role: "ADMIN" },
  { name: "a Slack workspace admin", actor: SLACK_ADMIN, role: "ADMIN" },
];

let f: LedgerFixture;
let ranges = 0;
let ready: Promise<void> | undefined;
beforeAll(async () => {
  f = await ledgerFixture();
});
// The people and the dataset are set up by the first test, not by the hook above: mutation
// testing ties the lines a beforeAll runs to no test, and tries every test against each of them.
beforeEach(() => (ready ??= setUp()));
async function setUp(): Promise<void> {
  await f.ledger.setRole(ADMIN, OTHER_REVIEWER.userId, "REVIEWER");
  await f.ledger.setRole(ADMIN, GRANTED_ADMIN.userId, "ADMIN");
  await f.ledger.createDataset(LEAD, { slug: "roles", itemCount: 1_000_000 });
  // Sampled reviews of one item: every range is reviewed, and a review's sample has a list.
  await f.ledger.configureDataset(LEAD, "roles", { key: "first-k", value: 0 });
  await f.ledger.setRole(ADMIN, DATASET_LEAD.userId, "LEAD", { dataset: "roles" });
}
afterAll(async () => {
  await f?.dispose();
});

/** A range of ANA's on "roles", not yet started. */
const anasRange = async () => (await f.ledger.claimNext(ANA, { dataset: "roles", size: 10 })).assignment.ref;

const auditCount = () => f.prisma.auditEvent.count({ where: { teamId: TEAM } });

/** The sentence of a refusal by role: requireRole's. */
const onlyRole = (who: string, what: string, role: Role) =>
  `only ${who} can ${what}; you are ${role === "ANNOTATOR" || role === "ADMIN" ? "an" : "a"} ${role.toLowerCase()}`;

interface Boundary {
  what: string;
  /** the weakest role allowed */
  min: Role;
  /** a dataset role counts (the operation is on the dataset "roles") */
  onDataset: boolean;
  /** something new to act on for each attempt */
  prepare: () => Promise<string>;
  attempt: (who: Actor, target: string) => Promise<unknown>;
  /** the refusal's sentence for someone of `role` */
  refusal: (role: Role, target: string) => string | RegExp;
}

const BOUNDARIES: Boundary[] = [
  {
    what: "approve a handoff request",
    min: "LEAD",
    onDataset: true,
    prepare: async () => {
      const ref = await anasRange();
      return (await f.ledger.handoff(ANA, ref, { to: BOB.userId, reason: "leaving" })).handoff.ref;
    },
    attempt: (who, h) => f.ledger.decideHandoff(who, h, { approve: true }),
    refusal: (role) => onlyRole("leads and admins", "approve or reject handoffs", role),
  },
  {
    what: "reject a handoff request",
    min: "LEAD",
    onDataset: true,
    prepare: async () => {
      const ref = await anasRange();
      return (await f.ledger.handoff(ANA, ref, { to: BOB.userId, reason: "leaving" })).handoff.ref;
    },
    attempt: (who, h) => f.ledger.decideHandoff(who, h, { approve: false, comment: "no" }),
    refusal: (role) => onlyRole("leads and admins", "approve or reject handoffs", role),
  },
  {
    what: "open a handoff request to decide it",
    min: "LEAD",
    onDataset: true,
    prepare: async () => {
      const ref = await anasRange();
      return (await f.ledger.handoff(ANA, ref, { to: BOB.userId, reason: "leaving" })).handoff.ref;
    },
    attempt: (who, h) => f.ledger.handoffToDecide(who, h),
    refusal: (role) => onlyRole("leads and admins", "approve or reject handoffs", role),
  },
  {
    what: "assign a range to someone",
    min: "LEAD",
    onDataset: true,
    prepare: async () => {
      ranges += 1;
      return String(500_000 + ranges * 10);
    },
    attempt: (who, first) =>
      f.ledger.assign(who, { dataset: "roles", first: Number(first), last: Number(first) + 9, assigneeId: BOB.userId }),
    refusal: (role) => onlyRole("leads and admins", "assign ranges to others", role),
  },
  {
    what: "release someone else's range",
    min: "LEAD",
    onDataset: true,
    prepare: anasRange,
    attempt: (who, ref) => f.ledger.release(who, ref),
    refusal: (_, ref) => `${ref} belongs to @UANA; only they or a lead can release it`,
  },
  {
    what: "record progress on someone else's range",
    min: "LEAD",
    onDataset: true,
    prepare: anasRange,
    attempt: (who, ref) => f.ledger.setProgress(who, ref, 3),
    refusal: (_, ref) => `${ref} belongs to @UANA; only they or a lead can update it`,
  },
  {
    what: "hand off someone else's range",
    min: "LEAD",
    onDataset: true,
    prepare: anasRange,
    attempt: (who, ref) => f.ledger.handoff(who, ref, { to: BOB.userId, reason: "rebalancing" }),
    refusal: (_, ref) => `${ref} belongs to @UANA; only they or a lead can hand off it`,
  },
  {
    what: "submit someone else's range",
    min: "LEAD",
    onDataset: true,
    prepare: anasRange,
    attempt: (who, ref) => f.ledger.submit(who, ref, { confirmed: true }),
    refusal: (_, ref) => `${ref} belongs to @UANA; only they or a lead can submit it`,
  },
  {
    what: "move a due date",
    min: "LEAD",
    onDataset: true,
    prepare: anasRange,
    attempt: (who, ref) => f.ledger.setDueDate(who, ref, "2026-12-24"),
    refusal: (role, ref) => onlyRole("leads and admins", `move the due date of ${ref}`, role),
  },
  {
    what: "change a dataset's setting",
    min: "LEAD",
    onDataset: true,
    prepare: async () => "roles",
    attempt: (who, slug) => f.ledger.configureDataset(who, slug, { key: "batch", value: 25 }),
    refusal: (role) => onlyRole("leads and admins", "change datasets", role),
  },
  {
    what: "add a dataset",
    min: "LEAD",
    onDataset: false,
    prepare: async () => {
      ranges += 1;
      return `added-${ranges}`;
    },
    attempt: (who, slug) => f.ledger.createDataset(who, { slug, itemCount: 10 }),
    refusal: (role) => onlyRole("leads and admins", "add datasets", role),
  },
  {
    what: "set a capacity",
    min: "LEAD",
    onDataset: false,
    prepare: async () => BOB.userId,
    attempt: (who, user) => f.ledger.setCapacity(who, user, 500),
    refusal: (role) => onlyRole("leads and admins", "set capacities", role),
  },
  {
    what: "make someone a reviewer",
    min: "LEAD",
    onDataset: false,
    prepare: async () => {
      ranges += 1;
      return `UZREV${ranges}`;
    },
    attempt: (who, user) => f.ledger.setRole(who, user, "REVIEWER"),
    refusal: (role) => onlyRole("leads and admins", "make someone reviewer", role),
  },
  {
    what: "make someone a reviewer of the dataset",
    min: "LEAD",
    onDataset: true,
    prepare: async () => {
      ranges += 1;
      return `UZDSREV${ranges}`;
    },
    attempt: (who, user) => f.ledger.setRole(who, user, "REVIEWER", { dataset: "roles" }),
    refusal: (role) => onlyRole("leads and admins", "make someone reviewer", role),
  },
  {
    what: "make someone a lead",
    min: "ADMIN",
    onDataset: false,
    prepare: async () => {
      ranges += 1;
      return `UNEWLEAD${ranges}`;
    },
    attempt: (who, user) => f.ledger.setRole(who, user, "LEAD"),
    refusal: (role) => onlyRole("admins", "make someone lead", role),
  },
  {
    what: "change the workspace's settings",
    min: "ADMIN",
    onDataset: false,
    prepare: async () => "escalate-after",
    attempt: (who) => f.ledger.configureWorkspace(who, { key: "escalate-after", value: 3 }),
    refusal: (role) => onlyRole("admins", "change the workspace's settings", role),
  },
  {
    what: "see the scheduled jobs",
    min: "LEAD",
    onDataset: false,
    prepare: async () => "",
    attempt: (who) => f.ledger.authorizeJobs(who, "view"),
    refusal: (role) => onlyRole("leads and admins", "see the scheduled jobs", role),
  },
  {
    what: "run a job now",
    min: "ADMIN",
    onDataset: false,
    prepare: async () => "",
    attempt: (who) => f.ledger.authorizeJobs(who, "run"),
    refusal: (role) => onlyRole("admins", "run a job now", role),
  },
];

describe("role boundaries", () => {
  for (const b of BOUNDARIES) {
    it(`${b.what}: ${b.min.toLowerCase()} and up`, async () => {
      for (const who of PEOPLE) {
        // A dataset lead is a lead only where the operation is on that dataset.
        const role = who.onDatasetOnly && !b.onDataset ? "ANNOTATOR" : who.role;
        const target = await b.prepare();
        if (RANK[role] >= RANK[b.min]) {
          await expect(b.attempt(who.actor, target), `${who.name} may ${b.what}`).resolves.not.toThrow();
        } else {
          const events = await auditCount();
          await expectDomainError(b.attempt(who.actor, target), "forbidden", b.refusal(role, target));
          expect(await auditCount(), `${who.name} was refused but something was recorded`).toBe(events);
        }
      }
    });
  }

  it("a lead changes the role of annotators and reviewers, but only an admin that of a lead", async () => {
    await f.ledger.setRole(ADMIN, "UTOBELEAD", "LEAD");
    await expectDomainError(
      f.ledger.setRole(LEAD, "UTOBELEAD", "ANNOTATOR"),
      "forbidden",
      "only admins can change the role of @UTOBELEAD, who is lead",
    );
    expect((await f.ledger.setRole(GRANTED_ADMIN, "UTOBELEAD", "ANNOTATOR")).member.role).toBe("ANNOTATOR");
    expect((await f.ledger.setRole(LEAD, "UTOBELEAD", "REVIEWER")).member.role).toBe("REVIEWER");
    expect((await f.ledger.setRole(LEAD, "UTOBELEAD", "ANNOTATOR")).member.role).toBe("ANNOTATOR");
  });
});

describe("review decisions", () => {
  /**
   * A submitted range of ANA's, its review assigned to REVIEWER: the first dedicated reviewer by id, with nothing waiting.
   * The reviews other tests left waiting are decided first (inside the test, not in a hook, so that
   * mutation testing ties the review service's lines to the tests that run them).
   */
  async function pendingReview() {
    for (const r of await f.prisma.review.findMany({ where: { teamId: TEAM, status: "PENDING" } })) {
      await f.ledger.recordReview(ADMIN, r.id, { verdict: "accept", itemsChecked: 1, errors: {} });
    }
    const ref = await anasRange();
    const { review } = await f.ledger.submit(ANA, ref, { confirmed: true });
    expect(review!.reviewerId).toBe(REVIEWER.userId);
    return { review: review!, ref };
  }
  const accept = (who: Actor, reviewRef: string) =>
    f.ledger.recordReview(who, reviewRef, { verdict: "accept", itemsChecked: 1, errors: {} });
  const changes = (who: Actor, reviewRef: string) =>
    f.ledger.recordReview(who, reviewRef, { verdict: "changes", itemsChecked: 1, errors: {}, comment: "again" });

  it("are the assigned reviewer's, or any lead's or admin's: nobody else's", async () => {
    for (const who of [ANNOTATOR, OTHER_REVIEWER, BOB]) {
      const { review, ref } = await pendingReview();
      const sentence = `the review of ${ref} (round 1) is assigned to @UREV; only they or a lead can decide it`;
      await expectDomainError(accept(who, review.ref), "forbidden", sentence);
      await expectDomainError(changes(who, review.ref), "forbidden", sentence);
      await expectDomainError(f.ledger.checkMayDecideReview(who, review.ref), "forbidden", sentence);
      expect((await f.ledger.getReview(TEAM, review.ref)).status).toBe("PENDING");
      await accept(REVIEWER, review.ref); // nobody keeps a review waiting for the next one
    }
    for (const who of [REVIEWER, LEAD, DATASET_LEAD, GRANTED_ADMIN, ADMIN, SLACK_ADMIN]) {
      const { review } = await pendingReview();
      await f.ledger.checkMayDecideReview(who, review.ref);
      const decided = await changes(who, review.ref);
      expect(decided.review.status).toBe("CHANGES_REQUESTED");
      // whoever decides, the review stays its assigned reviewer's
      expect(decided.review.reviewerId).toBe(REVIEWER.userId);
    }
  });

  it("are refused to an assigned reviewer who is no longer one, and to the annotator even as a lead", async () => {
    const { review } = await pendingReview();
    await f.ledger.setRole(ADMIN, REVIEWER.userId, "ANNOTATOR");
    try {
      await expectDomainError(accept(REVIEWER, review.ref), "forbidden", "only reviewers and leads can review");
    } finally {
      await f.ledger.setRole(ADMIN, REVIEWER.userId, "REVIEWER");
    }
    await accept(REVIEWER, review.ref);
    // A lead's own range goes to review like anyone's, and not to them.
    const own = (await f.ledger.claimNext(LEAD, { dataset: "roles", size: 10 })).assignment.ref;
    const { review: leads } = await f.ledger.submit(LEAD, own, { confirmed: true });
    await expectDomainError(accept(LEAD, leads!.ref), "forbidden", `nobody reviews their own range; ${own} is yours`);
    await accept(REVIEWER, leads!.ref);
  });

  it("a review's sample list is for reviewers, leads and admins, never for its annotator", async () => {
    const { review, ref } = await pendingReview();
    const label = `${review.ref} of ${ref}`;
    await expectDomainError(
      f.ledger.reviewSampleCsv(ANA, review.ref),
      "forbidden",
      `the sample of ${label} is for its reviewer; it is your range`,
    );
    await expectDomainError(
      f.ledger.reviewSampleCsv(ANNOTATOR, review.ref),
      "forbidden",
      `only reviewers and leads can see the sample of ${label}`,
    );
    for (const who of [REVIEWER, OTHER_REVIEWER, DATASET_LEAD, LEAD, ADMIN]) {
      expect((await f.ledger.reviewSampleCsv(who, review.ref)).items).toBe(review.sampleItems.length);
    }
    await accept(REVIEWER, review.ref);
  });
});
