// Password hashing (bcrypt) and the policy every NEW password must meet. bcrypt only reads the first
// 72 bytes of a password, so longer ones are refused rather than silently truncated.
import bcrypt from 'bcrypt';

export const MIN_PASSWORD_CHARS = 8;
export const MAX_PASSWORD_BYTES = 72;
/** The password the first admin is seeded with; never acceptable as a chosen password. */
export const DEFAULT_PASSWORD = 'admin';

export type PasswordProblem = 'too_short' | 'too_long' | 'same_as_username' | 'default_password';

export function hashPassword(password: string, rounds: number): Promise<string> {
  return bcrypt.hash(password, rounds);
}

export function checkPassword(password: string, hash: string): Promise<boolean> {
  return bcrypt.compare(password, hash);
}

/**
 * Why `password` may not be chosen by `username`, or null when it may. Comparisons with the username and
 * the default password ignore case. Length counts characters (code points); the limit counts UTF-8 bytes.
 */
export function passwordProblem(password: string, username: string): PasswordProblem | null {
  const lower = password.toLowerCase();
  if (lower === DEFAULT_PASSWORD) return 'default_password';
  if (lower === username.toLowerCase()) return 'same_as_username';
  if ([...password].length < MIN_PASSWORD_CHARS) return 'too_short';
  if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES) return 'too_long';
  return null;
}

const PROBLEM_MESSAGES: Readonly<Record<PasswordProblem, string>> = {
  too_short: `the password must be at least ${MIN_PASSWORD_CHARS} characters long`,
  too_long: `the password must be at most ${MAX_PASSWORD_BYTES} bytes long in UTF-8`,
  same_as_username: 'the password must not be the same as the user name',
  default_password: `the password must not be "${DEFAULT_PASSWORD}"`,
};

/** An English sentence for a policy code (for the CLI and logs). */
export function passwordProblemMessage(problem: PasswordProblem): string {
  return PROBLEM_MESSAGES[problem];
}
