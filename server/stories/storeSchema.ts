/** Row types of the story tables (migration `005_stories`). */
export interface StoriesTable {
  id: string;
  notebook_id: string;
  slug: string;
  created_by: string | null;
  created_at: string;
  current_version: number | null;
  unpublished_at: string | null;
}

export type StoryVersionStatus = 'blocked' | 'review' | 'published' | 'rejected' | 'discarded';

export interface StoryVersionsTable {
  id: string;
  story_id: string;
  version: number | null;
  status: StoryVersionStatus;
  content_json: string;
  created_by: string | null;
  created_at: string;
  review_requested_at: string | null;
  review_note: string | null;
  reviewed_by: string | null;
  reviewed_at: string | null;
  published_at: string | null;
}

export type FeedbackStatus = 'pending' | 'approved' | 'rejected';

export interface StoryFeedbackTable {
  id: string;
  story_id: string;
  version: number;
  name: string | null;
  body: string;
  status: FeedbackStatus;
  created_at: string;
  moderated_by: string | null;
  moderated_at: string | null;
  reply: string | null;
  reply_by: string | null;
  reply_at: string | null;
}

export interface StoryTables {
  stories: StoriesTable;
  story_versions: StoryVersionsTable;
  story_feedback: StoryFeedbackTable;
}
