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
}
