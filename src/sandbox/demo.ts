/**
 * Demo data for the sandbox: two datasets and the team's roles, so that
 * someone can claim, progress, hand off and review within a minute.
 * Running it again changes nothing.
 */

import type { NewDataset } from "../core/ledger/index.ts";
import { roleName } from "../core/roles.ts";
import { DEMO_USERS, LABELS_CHANNEL, SANDBOX_ADMINS } from "./users.ts";
import type { SandboxWorld } from "./world.ts";

export const DEMO_DATASETS: readonly (NewDataset & { blurb: string })[] = [
  {
    slug: "cats",
    title: "Cats and dogs",
    itemCount: 1000,
    itemNoun: "image",
    batchSize: 50,
    channelId: LABELS_CHANNEL.id,
    blurb: `1,000 images in batches of 50, digests in #${LABELS_CHANNEL.name}; every range is reviewed (a 10% sample; an annotator's first range in full)`,
  },
  {
    slug: "street",
    title: "Street scenes",
    itemCount: 5000,
    itemNoun: "frame",
    batchSize: 200,
    channelId: LABELS_CHANNEL.id,
    blurb: "5,000 video frames in batches of 200",
  },
];

/** Adds what is missing of the demo data; returns lines describing the result. */
export async function seedDemo(world: SandboxWorld): Promise<string[]> {
  const admin = { teamId: world.teamId, userId: SANDBOX_ADMINS[0]! };
  const added: string[] = [];
  for (const u of DEMO_USERS) {
    if (u.demoRole === "ANNOTATOR" || SANDBOX_ADMINS.includes(u.id)) continue;
    const member = await world.ledger.getMember({ teamId: world.teamId, userId: u.id });
    if (member?.role !== u.demoRole) await world.ledger.setRole(admin, u.id, u.demoRole);
  }
  const existing = new Set((await world.ledger.listDatasets(world.teamId, true)).map((d) => d.slug));
  for (const d of DEMO_DATASETS) {
    if (existing.has(d.slug)) continue;
    const { blurb: _blurb, ...input } = d;
    await world.ledger.createDataset(admin, input);
    added.push(d.slug);
  }
  const roles = DEMO_USERS.filter((u) => u.demoRole !== "ANNOTATOR").map((u) => `@${u.name} ${roleName(u.demoRole)}`);
  const annotators = DEMO_USERS.filter((u) => u.demoRole === "ANNOTATOR").map((u) => `@${u.name}`);
  return [
    added.length ? `Demo data added (${added.join(", ")}):` : "The demo data was already there:",
    ...DEMO_DATASETS.map((d) => `  • ${d.slug} — "${d.title}", ${d.blurb}`),
    `  • ${roles.join(" · ")} · ${annotators.join(" ")} annotators`,
    `Next: "as @ana" and /claim cats next 10 — or /ledger status to see the coverage.`,
  ];
}
