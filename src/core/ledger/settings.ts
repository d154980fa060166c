/**
 * The settings of a dataset, typed. Each surface parses its own syntax into
 * a DatasetSetting (Slack text: src/slack/parse/settings.ts); the rules every
 * value must follow are checked in ./datasets.ts, whichever surface it came
 * from.
 */
import type { ToolName } from "../../db/store.ts";
import type { Range } from "../types.ts";

/** Every setting, with what it means. */
export const DATASET_SETTINGS = {
  title: "the display title",
  items: "the number of items (may grow; shrinks only over free items)",
  noun: 'what one item is called, e.g. "image" or "frame"',
  channel: "the channel for digests and summaries (a channel, or none)",
  batch: "the default size of a claim of the next free range",
  sample:
    "the most a review checks, as a share of the range, e.g. 10%: a sample is the ISO 2859-1 level II size for the range's size (1,250 at most), capped by this share rounded up, plus every gold item in the range",
  "first-k": "how many of an annotator's first ranges are reviewed in full",
  review: "every (sample every range) or first-k (only the first K ranges)",
  gold: "gold items, e.g. 5,17,40-42, or none",
  taxonomy: "review error categories, comma-separated, or default",
  instructions: "the annotation instructions (a new version each time); a URL is kept as the link",
  archived: "yes or no",
  "max-claim": "the most items one claim may take (leads assigning may exceed it), or none",
  "max-days":
    "the most days of work of this dataset one person may hold after a claim (open items ÷ daily capacity), or none",
  "label-studio":
    "the Label Studio project holding the items and the task id of item 1, e.g. project=12 first-task=3401 (task ids follow item numbers), or none",
  cvat: "the CVAT tasks holding the items, each with the item of its frame 0, e.g. 15@1 16@1001, or none",
  "tool-users":
    "who tool users are in Slack, e.g. label-studio:7=@ana cvat:bob.k=@bob (a Label Studio user id, a CVAT username; =none forgets one)",
} as const;

/** The annotation tools whose webhooks the ledger understands. */
export const TOOLS = ["label-studio", "cvat"] as const satisfies readonly ToolName[];

export type DatasetSettingKey = keyof typeof DATASET_SETTINGS;

export const isDatasetSettingKey = (k: string): k is DatasetSettingKey => Object.hasOwn(DATASET_SETTINGS, k);

export type DatasetSetting =
  | { key: "title"; value: string }
  | { key: "items"; value: number }
  | { key: "noun"; value: string }
  /** a channel id, or null for none */
  | { key: "channel"; value: string | null }
  | { key: "batch"; value: number }
  /** a share, 0..1 */
  | { key: "sample"; value: number }
  | { key: "first-k"; value: number }
  | { key: "review"; value: "every" | "first-k" }
  /** item ranges (one-item ranges for single items); empty for none */
  | { key: "gold"; value: Range[] }
  /** categories, or "default" for the default taxonomy */
  | { key: "taxonomy"; value: readonly string[] | "default" }
  | { key: "instructions"; value: string }
  | { key: "archived"; value: boolean }
  /** a whole number of items, or null for no limit */
  | { key: "max-claim"; value: number | null }
  /** a whole number of working days, or null for no limit */
  | { key: "max-days"; value: number | null }
  /** a Label Studio project and the task id of item 1, or null for none */
  | { key: "label-studio"; value: { project: number; firstTask: number } | null }
  /** CVAT tasks and the item of each one's frame 0; empty for none */
  | { key: "cvat"; value: { task: number; firstItem: number }[] }
  /** tool users and who they are in Slack (null: forget) */
  | { key: "tool-users"; value: ToolUserSetting[] };

export interface ToolUserSetting {
  tool: ToolName;
  /** a Label Studio user id (digits), a CVAT username */
  user: string;
  /** a Slack user id, or null to forget the tool user */
  slackUserId: string | null;
}
