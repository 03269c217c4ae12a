-- Web sessions (express-session), with the logged-in user's id so all of a user's sessions can be ended.
-- Released migrations are never edited: later changes go in a new numbered file.
CREATE TABLE sessions (
  sid TEXT PRIMARY KEY,
  expires INTEGER NOT NULL,
  data TEXT NOT NULL,
  user_id INTEGER REFERENCES users (id) ON DELETE CASCADE
);

CREATE INDEX sessions_expires ON sessions (expires);
CREATE INDEX sessions_user_id ON sessions (user_id);
