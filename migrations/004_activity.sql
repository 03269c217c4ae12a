-- The activity log: who did what to which node or process, and how it went. `time` is ms since the epoch.
-- Released migrations are never edited: later changes go in a new numbered file.
CREATE TABLE activity (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  time INTEGER NOT NULL,
  user TEXT,
  remote TEXT,
  node TEXT,
  target TEXT,
  target_kind TEXT,
  action TEXT NOT NULL,
  result TEXT NOT NULL CHECK (result IN ('ok', 'failed', 'refused')),
  detail TEXT
);

CREATE INDEX activity_time ON activity (time);
CREATE INDEX activity_user ON activity (user, time);
CREATE INDEX activity_node ON activity (node, time);
CREATE INDEX activity_action ON activity (action, time);
