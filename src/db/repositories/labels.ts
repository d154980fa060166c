/**
 * Per-item labels: what each annotator answered for an item of a dataset (the
 * latest answer counts), read back for inter-annotator agreement.
 */
import type { Client } from "./client.ts";

export interface ItemLabelRecord {
  item: number;
  annotatorId: string;
  label: string;
  at: Date;
}

export class LabelRepository {
  private readonly db: Client;

  constructor(db: Client) {
    this.db = db;
  }

  /** Records labels of a dataset; a label already given by the same annotator to the same item is replaced. */
  async record(datasetId: number, labels: readonly Omit<ItemLabelRecord, "at">[], at: Date): Promise<number> {
    for (const l of labels) {
      await this.db.itemLabel.upsert({
        where: { datasetId_item_annotatorId: { datasetId, item: l.item, annotatorId: l.annotatorId } },
        create: { datasetId, item: l.item, annotatorId: l.annotatorId, label: l.label, at },
        update: { label: l.label, at },
      });
    }
    return labels.length;
  }

  /** The labels of a dataset given in [from, to), oldest first. */
  ofDataset(datasetId: number, from: Date, to: Date): Promise<ItemLabelRecord[]> {
    return this.db.itemLabel.findMany({
      where: { datasetId, at: { gte: from, lt: to } },
      select: { item: true, annotatorId: true, label: true, at: true },
      orderBy: [{ item: "asc" }, { annotatorId: "asc" }],
    });
  }

  /** Records the known answers of gold items; an answer given again replaces the earlier one. */
  async recordGold(datasetId: number, answers: readonly { item: number; label: string }[], at: Date): Promise<number> {
    for (const a of answers) {
      await this.db.goldAnswer.upsert({
        where: { datasetId_item: { datasetId, item: a.item } },
        create: { datasetId, item: a.item, label: a.label, at },
        update: { label: a.label, at },
      });
    }
    return answers.length;
  }

  /** The known answers of a dataset's gold items, by item. */
  async goldOf(datasetId: number): Promise<{ item: number; label: string }[]> {
    return this.db.goldAnswer.findMany({
      where: { datasetId },
      select: { item: true, label: true },
      orderBy: { item: "asc" },
    });
  }
}
