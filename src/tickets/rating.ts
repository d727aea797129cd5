// 好差评: the citizen rates the result from 5 (非常满意) down to 1 (非常不满意).
// 非常满意, 满意 and 基本满意 count as satisfied (好评); 不满意 and 非常不满意 as poor (差评).

export const RATING_LABELS: Record<number, string> = {
  5: "非常满意",
  4: "满意",
  3: "基本满意",
  2: "不满意",
  1: "非常不满意",
};

/** Ratings at or below this are poor (差评): the ticket is reopened or reviewed. */
export const POOR_RATING_MAX = 2;

/** Ratings at or above this count as satisfied in the 满意率. */
export const SATISFIED_RATING_MIN = 3;

export function isRating(value: number): boolean {
  return Number.isInteger(value) && value >= 1 && value <= 5;
}
