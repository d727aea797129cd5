// opencc-js ships its dictionaries as plain ES modules without type declarations.
declare module "opencc-js/dict/TSCharacters" {
  const dict: string;
  export default dict;
}
declare module "opencc-js/dict/TSPhrases" {
  const dict: string;
  export default dict;
}
