/** The `.cnapairs` language: parser, lint rules and quick fixes. Pure functions over strings. */
export * from './types';
export { parsePairs, splitLines } from './parse';
export { lintPairs, lintText, DEFAULT_MAX_PROMPT_TOKENS, MIN_DISCOVERY_PAIRS } from './lint';
export { lintWithContributions, DOMINANT_FACTOR, type PairContribution } from './contributions';
export { fixesFor, applyEdits, deletePair, swapSides, insertMissingSide, splitMergedPairs } from './fixes';
export { DIRECTIVE_NAMES, HEADER_DIRECTIVES } from './directives';
export { countWords, normalise } from './text';
