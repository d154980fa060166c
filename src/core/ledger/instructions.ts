/**
 * A dataset's versioned instructions as people meet them: the current
 * version shown where work starts, a claim or progress refused until its
 * worker has acknowledged the current version, and who has not yet.
 */
import type { DatasetRecord, InstructionRecord } from "../../db/records.ts";
import type { Repositories } from "../../db/store.ts";
import { conflict, invalid, notFound } from "../errors.ts";
import { excerpt, text } from "../text.ts";
import type { Actor, ChangeOptions } from "../types.ts";
import { change, type LedgerContext } from "./context.ts";

/** The current instructions of a dataset, as every message shows them. */
export interface InstructionsView {
  dataset: string;
  version: number;
  text: string;
  url: string | null;
}

export const instructionsView = (slug: string, i: InstructionRecord): InstructionsView => ({
  dataset: slug,
  version: i.version,
  text: i.text,
  url: i.url,
});

/** Statuses whose holder still works on (or answers for) a range: they are told of new instructions. */
const WORKING = ["PENDING", "IN_PROGRESS", "IN_REVIEW", "CHANGES_REQUESTED"] as const;

/**
 * Refuses (conflict) unless `userId` has acknowledged the current version of
 * the dataset's instructions; the refusal carries the instructions
 * (`details.instructions`), so a surface can show them with a way to
 * acknowledge. Returns the current instructions (null when there are none).
 */
export async function requireAcknowledged(
  r: Repositories,
  d: DatasetRecord,
  userId: string,
): Promise<InstructionsView | null> {
  const current = await r.datasets.latestInstruction(d.id);
  if (!current) return null;
  if (await r.datasets.hasAcknowledged(d.id, userId, current.version)) return instructionsView(d.slug, current);
  throw conflict(
    text`${d.slug} has new instructions (version ${current.version}): read them and acknowledge them first, then repeat your command`,
    { instructions: instructionsView(d.slug, current) },
  );
}

/** The current instructions of a dataset, or null. */
export async function currentInstructions(r: Repositories, d: Pick<DatasetRecord, "id" | "slug">) {
  const current = await r.datasets.latestInstruction(d.id);
  return current ? instructionsView(d.slug, current) : null;
}

/** People holding ranges of the dataset still being worked on or reviewed, sorted. */
export async function holdersOf(r: Repositories, datasetId: number): Promise<string[]> {
  const live = await r.assignments.liveLoad(datasetId);
  return [
    ...new Set(live.filter((a) => (WORKING as readonly string[]).includes(a.status)).map((a) => a.assigneeId)),
  ].sort();
}

/** Of the people working on a dataset, those who have not acknowledged its current instructions. */
export async function unacknowledged(r: Repositories, datasetId: number, version: number | null): Promise<string[]> {
  if (version === null) return [];
  const holders = await holdersOf(r, datasetId);
  const acked = await r.datasets.acknowledgedAmong(datasetId, version, holders);
  return holders.filter((u) => !acked.has(u));
}

/**
 * Someone acknowledges having read version `version` of a dataset's
 * instructions: recorded once, with an audit event. Acknowledging an older
 * version than the current one records it and says the current one is newer.
 */
export async function acknowledgeInstructions(
  ctx: LedgerContext,
  actor: Actor,
  slug: string,
  version: number,
  opts: ChangeOptions = {},
) {
  return change(ctx, actor.teamId, "instructions.acknowledge", opts.idempotencyKey, async (r) => {
    const d = await r.datasets.findBySlug(actor.teamId, slug);
    if (!d) throw notFound(`there is no dataset "${excerpt(slug)}"`);
    const current = await r.datasets.latestInstruction(d.id);
    if (!current) throw invalid(`${d.slug} has no instructions to acknowledge`);
    if (!Number.isSafeInteger(version) || version < 1 || version > current.version)
      throw notFound(`${d.slug} has no version ${version} of its instructions (the current one is ${current.version})`);
    await r.members.ensure(actor.teamId, actor.userId);
    const recorded = await r.datasets.acknowledgeInstruction(d.id, actor.userId, version, ctx.config.clock());
    if (recorded)
      await r.audit.append({
        teamId: actor.teamId,
        actorId: actor.userId,
        action: "instructions.acknowledge",
        datasetId: d.id,
        after: { version },
        at: ctx.config.clock(),
      });
    return {
      dataset: d.slug,
      version,
      current: instructionsView(d.slug, current),
      upToDate: version === current.version,
    };
  });
}

/** The current instructions of each of these datasets that has some, by dataset id (for App Home). */
export async function instructionsByDataset(
  ctx: LedgerContext,
  datasetIds: readonly number[],
): Promise<Map<number, InstructionsView>> {
  const r = ctx.store.read;
  const out = new Map<number, InstructionsView>();
  for (const id of new Set(datasetIds)) {
    const d = await r.datasets.findById(id);
    const current = d ? await r.datasets.latestInstruction(id) : null;
    if (d && current) out.set(id, instructionsView(d.slug, current));
  }
  return out;
}
