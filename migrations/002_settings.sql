-- Small key/value settings the hub keeps between restarts (such as the session signing secret).
-- Released migrations are never edited: later changes go in a new numbered file.
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
