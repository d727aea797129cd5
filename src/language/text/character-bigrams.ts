// The pairs of adjacent characters (code points) of a text: shingles for comparing short
// texts whatever the segmentation. A text of one character has none.
export function characterBigrams(text: string): Set<string> {
  const chars = [...text];
  const result = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++) result.add(chars[i]! + chars[i + 1]!);
  return result;
}
