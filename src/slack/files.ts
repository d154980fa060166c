/**
 * A file sent to someone's DM (files.uploadV2): the ledger's CSV export, the
 * items of a review's sample. Sent while the request is handled, so a failure
 * is the requester's answer.
 */
import type { Services } from "./services.ts";

export interface DmFile {
  filename: string;
  title: string;
  content: string;
  /** the message the file comes with */
  comment: string;
}

export async function sendFileByDm(s: Services, userId: string, f: DmFile): Promise<void> {
  const dm = await s.client.conversations.open({ users: userId });
  await s.client.filesUploadV2({
    channel_id: dm.channel?.id ?? userId,
    filename: f.filename,
    title: f.title,
    content: f.content,
    initial_comment: f.comment,
  });
}
