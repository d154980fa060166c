import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  ANA,
  BOB,
  CAL,
  expectDomainError,
  expectKeyUsedFor,
  LEAD,
  type LedgerFixture,
  ledgerFixture,
  TEAM,
} from "../support/ledger.ts";

let f: LedgerFixture;
beforeEach(async () => {
  f = await ledgerFixture();
  await f.ledger.createDataset(LEAD, { slug: "cats", itemCount: 1000, itemNoun: "image" });
});
afterEach(async () => {
  await f.dispose();
});

const publish = (value: string) => f.ledger.configureDataset(LEAD, "cats", { key: "instructions", value });
const acks = () => f.prisma.instructionAck.findMany({ orderBy: [{ userId: "asc" }, { version: "asc" }] });

describe("dataset instructions", () => {
  it("without instructions nobody is asked to acknowledge anything", async () => {
    const c = await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 10 });
    expect(c.dataset.instructions).toBeNull();
    await f.ledger.setProgress(ANA, c.assignment.ref, 3);
    expect((await f.ledger.coverage(TEAM, "cats")).unacknowledged).toEqual([]);
  });

  it("a new version is for everyone working on the dataset, who must acknowledge it before progress", async () => {
    const a = await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 10 });
    const b = await f.ledger.assign(LEAD, { dataset: "cats", first: 11, last: 20, assigneeId: BOB.userId });
    const done = await f.ledger.claim(CAL, { dataset: "cats", first: 21, last: 30 });
    await f.ledger.submit(CAL, done.assignment.ref, { confirmed: true });
    // CAL's range is in review: CAL still answers for it
    const set = await publish("Draw boxes tight; skip blurred cats");
    expect(set.instructionsTo).toEqual([ANA.userId, BOB.userId, CAL.userId]);
    expect((await f.ledger.coverage(TEAM, "cats")).unacknowledged).toEqual([ANA.userId, BOB.userId, CAL.userId]);

    const before = await f.prisma.assignment.findUniqueOrThrow({ where: { id: a.assignment.id } });
    const err = await expectDomainError(
      f.ledger.setProgress(ANA, a.assignment.ref, 5),
      "conflict",
      "cats has new instructions (version 1): read them and acknowledge them first, then repeat your command",
    );
    expect(err.details.instructions).toEqual({
      dataset: "cats",
      version: 1,
      text: "Draw boxes tight; skip blurred cats",
      url: null,
    });
    await expectDomainError(f.ledger.submit(ANA, a.assignment.ref), "conflict", /version 1/);
    await expectDomainError(f.ledger.start(BOB, b.assignment.ref), "conflict", /version 1/);
    expect(await f.prisma.assignment.findUniqueOrThrow({ where: { id: a.assignment.id } })).toEqual(before);

    const ack = await f.ledger.acknowledgeInstructions(ANA, "cats", 1);
    expect(ack).toMatchObject({ dataset: "cats", version: 1, upToDate: true });
    // a second click records nothing more
    await f.ledger.acknowledgeInstructions(ANA, "cats", 1);
    expect((await acks()).map((x) => [x.userId, x.version])).toEqual([[ANA.userId, 1]]);
    const audit = await f.prisma.auditEvent.findMany({ where: { action: "instructions.acknowledge" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: ANA.userId, after: { version: 1 } });

    expect((await f.ledger.setProgress(ANA, a.assignment.ref, 5)).assignment.itemsDone).toBe(5);
    expect((await f.ledger.coverage(TEAM, "cats")).unacknowledged).toEqual([BOB.userId, CAL.userId]);

    // a lead updating someone's range is not held up by the owner's acknowledgement
    expect((await f.ledger.setProgress(LEAD, b.assignment.ref, 2)).assignment.itemsDone).toBe(2);

    // version 2 asks again
    await publish("https://wiki.example/cats-v2");
    await expectDomainError(f.ledger.setProgress(ANA, a.assignment.ref, 6), "conflict", /version 2/);
    const old = await f.ledger.acknowledgeInstructions(ANA, "cats", 1);
    expect(old.upToDate).toBe(false);
    expect(old.current).toMatchObject({ version: 2, url: "https://wiki.example/cats-v2" });
    await f.ledger.acknowledgeInstructions(ANA, "cats", 2);
    await f.ledger.setProgress(ANA, a.assignment.ref, 6);
  });

  it("a first claim after a version was published is refused until acknowledged; a lead's assignment is not", async () => {
    await publish("Label every whisker");
    await expectDomainError(f.ledger.claimNext(ANA, { dataset: "cats", size: 10 }), "conflict", /version 1/);
    await expectDomainError(f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 5 }), "conflict", /version 1/);
    expect(await f.prisma.assignment.count()).toBe(0);
    const assigned = await f.ledger.assign(LEAD, { dataset: "cats", first: 1, last: 5, assigneeId: BOB.userId });
    expect(assigned.dataset.instructions).toMatchObject({ version: 1, text: "Label every whisker" });
    await f.ledger.acknowledgeInstructions(ANA, "cats", 1);
    const c = await f.ledger.claimNext(ANA, { dataset: "cats", size: 10 });
    expect(c.dataset.instructions).toMatchObject({ version: 1, text: "Label every whisker" });
    // BOB acknowledges before his own progress
    await expectDomainError(f.ledger.setProgress(BOB, assigned.assignment.ref, 1), "conflict", /version 1/);
    // a lead submitting it for him is not held up, and is shown the current version
    const submitted = await f.ledger.submit(LEAD, assigned.assignment.ref, { confirmed: true });
    expect(submitted.assignment.status).toBe("IN_REVIEW");
    expect(submitted.instructions).toMatchObject({ version: 1, text: "Label every whisker" });
  });

  it("refuses acknowledging a version that does not exist, recording nothing", async () => {
    await expectDomainError(f.ledger.acknowledgeInstructions(ANA, "cats", 1), "invalid", /cats has no instructions/);
    await publish("v1");
    await expectDomainError(f.ledger.acknowledgeInstructions(ANA, "cats", 2), "not_found", /no version 2/);
    await expectDomainError(f.ledger.acknowledgeInstructions(ANA, "dogs", 1), "not_found", /no dataset "dogs"/);
    for (const v of [0, -1, 1.5])
      await expectDomainError(
        f.ledger.acknowledgeInstructions(ANA, "cats", v),
        "not_found",
        `cats has no version ${v} of its instructions (the current one is 1)`,
      );
    expect(await acks()).toEqual([]);
  });

  it("is a change of its own kind: its request key cannot be used for another change", async () => {
    await publish("v1");
    await f.ledger.acknowledgeInstructions(ANA, "cats", 1, { idempotencyKey: "ack-1" });
    await expectKeyUsedFor(
      f.ledger.setCapacity(LEAD, ANA.userId, 50, { idempotencyKey: "ack-1" }),
      "ack-1",
      "instructions.acknowledge",
    );
    expect(await f.ledger.acknowledgeInstructions(ANA, "cats", 1, { idempotencyKey: "ack-1" })).toMatchObject({
      replayed: true,
      upToDate: true,
    });
  });

  it("asks those still working on the dataset, in id order, not those whose ranges are finished", async () => {
    await f.ledger.configureDataset(LEAD, "cats", { key: "review", value: "first-k" });
    await f.ledger.configureDataset(LEAD, "cats", { key: "first-k", value: 0 });
    const cal = await f.ledger.claim(CAL, { dataset: "cats", first: 1, last: 10 });
    await f.ledger.claim(BOB, { dataset: "cats", first: 11, last: 20 });
    await f.ledger.claim(ANA, { dataset: "cats", first: 21, last: 30 });
    await f.ledger.submit(CAL, cal.assignment.ref, { confirmed: true });
    expect((await f.ledger.getAssignment(TEAM, cal.assignment.ref)).status).toBe("COMPLETED");
    await publish("v1");
    expect((await f.ledger.coverage(TEAM, "cats")).unacknowledged).toEqual([ANA.userId, BOB.userId]);
  });

  it("gives App Home the current instructions of each dataset that has some", async () => {
    const { dataset: dogs } = await f.ledger.createDataset(LEAD, { slug: "dogs", itemCount: 10 });
    await publish("v1");
    await publish("https://example.com/guide");
    const cats = (await f.ledger.getDataset(TEAM, "cats")).id;
    const map = await f.ledger.instructionsByDataset([cats, dogs.id, cats, 999_999]);
    expect([...map.keys()]).toEqual([cats]);
    expect(map.get(cats)).toMatchObject({ dataset: "cats", version: 2, url: "https://example.com/guide" });
    expect((await f.ledger.instructionsByDataset([])).size).toBe(0);
  });
});
