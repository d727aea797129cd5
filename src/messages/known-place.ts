// Where a message comes from when the channel knows it without the citizen saying so:
// a community group (网格群) is mapped to its district, street or community. A ticket
// filed from such a message carries the place; the routing rules read its district.
export interface KnownPlace {
  /** The gazetteer code (intents/regions.yaml). */
  code: string;
  /** The standard name, e.g. 光明社区. */
  name: string;
  /** "district" | "street" | "community". */
  level: string;
  /** The district's name (东湖区), as routing rules name districts. */
  district: string;
  /** From the district down, e.g. 东湖区人民路街道光明社区. */
  address: string;
}
