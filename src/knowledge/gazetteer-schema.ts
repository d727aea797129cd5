// The shape of the city gazetteer (intents/regions.yaml): districts, streets (街道/镇/乡),
// communities (社区/村), main roads and landmarks, each with a code, a level, its parent
// and the other names citizens use for it. Strict: unknown keys are errors.
import { z } from "zod";

const nonEmpty = z.string().trim().min(1);

/** From the widest area to the narrowest place; roads and landmarks hang below the areas. */
export const REGION_LEVELS = ["district", "street", "community", "road", "landmark"] as const;
export type RegionLevel = (typeof REGION_LEVELS)[number];

/** The levels a region of each level may have as its parent (none for a district). */
export const PARENT_LEVELS: Record<RegionLevel, readonly RegionLevel[]> = {
  district: [],
  street: ["district"],
  community: ["street"],
  road: ["district", "street"],
  landmark: ["district", "street", "community"],
};

export const regionSchema = z.strictObject({
  /** Stable code: 6 digits for a district, 9 for a street, 12 for a community; roads and landmarks add R/P and 3 digits to their district's. */
  code: z
    .string()
    .regex(/^(\d{6}|\d{9}|\d{12}|\d{6}[RP]\d{3})$/, "must be 6, 9 or 12 digits, or 6 digits then R or P and 3 digits"),
  /** The standard name (标准名). */
  name: nonEmpty,
  level: z.enum(REGION_LEVELS),
  /** The parent's code; absent for a district. */
  parent: z.string().optional(),
  /** Other names citizens use (别名). */
  aliases: z.array(nonEmpty).default([]),
});
export type Region = z.infer<typeof regionSchema>;

export const regionsFileSchema = z.strictObject({
  regions: z.array(regionSchema).min(1),
});
