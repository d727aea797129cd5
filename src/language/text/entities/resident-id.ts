// Resident identity numbers (居民身份证号码, GB 11643-1999): 6-digit region code,
// 8-digit birth date, 3-digit sequence (odd = male), and a check character computed
// with ISO 7064 MOD 11-2 over the first 17 digits.

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARACTERS = "10X98765432";

export interface ResidentId {
  /** The 18 characters, check character upper-case. */
  number: string;
  regionCode: string;
  /** YYYY-MM-DD */
  birthDate: string;
  sex: "male" | "female";
}

export function residentIdCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK_CHARACTERS[sum % 11]!;
}

/** The parsed number when it is a well-formed ID with a valid check character and birth date; else undefined. */
export function parseResidentId(candidate: string): ResidentId | undefined {
  const number = candidate.toUpperCase();
  if (!/^[1-9]\d{16}[\dX]$/.test(number)) return undefined;
  if (residentIdCheckCharacter(number) !== number[17]) return undefined;
  const year = Number(number.slice(6, 10));
  const month = Number(number.slice(10, 12));
  const day = Number(number.slice(12, 14));
  const birth = new Date(Date.UTC(year, month - 1, day));
  if (year < 1900 || birth.getUTCMonth() !== month - 1 || birth.getUTCDate() !== day) return undefined;
  return {
    number,
    regionCode: number.slice(0, 6),
    birthDate: `${number.slice(6, 10)}-${number.slice(10, 12)}-${number.slice(12, 14)}`,
    sex: Number(number[16]) % 2 === 1 ? "male" : "female",
  };
}
