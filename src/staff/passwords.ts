// Staff passwords are stored as argon2id hashes (@node-rs/argon2, prebuilt binaries).
import { hash, verify } from "@node-rs/argon2";

export const MIN_PASSWORD_LENGTH = 10;

export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

// Verifying against this when the user does not exist keeps the answer time the same,
// so response times do not reveal which usernames exist.
let dummy: Promise<string> | undefined;

export async function verifyPassword(passwordHash: string | undefined, password: string): Promise<boolean> {
  dummy ??= hash("no-such-user-password");
  try {
    return await verify(passwordHash ?? (await dummy), password);
  } catch {
    return false;
  }
}

export function passwordProblem(password: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) return `password must have at least ${MIN_PASSWORD_LENGTH} characters`;
  return undefined;
}
