-- Hub users and their per-environment user types (0 Admin, 1 Standard, 2 Only Log, 3 Read Only).
-- Released migrations are never edited: later changes go in a new numbered file.
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  type INTEGER NOT NULL CHECK (type BETWEEN 0 AND 3),
  must_change_password INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE user_environment_types (
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  environment TEXT NOT NULL,
  type INTEGER NOT NULL CHECK (type BETWEEN 0 AND 3),
  PRIMARY KEY (user_id, environment)
);
