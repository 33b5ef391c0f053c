/**
 * Generic raw prompts for the universal-neuron filter (docs/method.md, step 6). The reference runs 10 raw
 * prompts "such as 'The capital of France is', 'Once upon a time there was a'"; its exact list is not in
 * our data, so these ten follow that description: short, topic-neutral, raw (no chat template) openings.
 */
export const GENERIC_PROMPTS: readonly string[] = [
  'The capital of France is',
  'Once upon a time there was a',
  'The weather today is',
  'My favourite food is',
  'The history of the Roman Empire',
  'To make a cup of tea, first',
  'The number after seven is',
  'Scientists recently discovered that',
  'In the middle of the forest',
  'The best way to learn a language is',
];

/**
 * The reference implementation's own probe (neuron_steer `detect_universal_neurons`, called by its constructor
 * with n_prompts=10): the first ten of its list, raw, default special tokens. Reference mode uses these; with 10
 * prompts its threshold int(10 x 0.8) = 8 equals ours (count / prompts >= 0.8).
 */
export const REFERENCE_GENERIC_PROMPTS: readonly string[] = [
  'The capital of France is',
  'Once upon a time there was a',
  'The best programming language is',
  'In the year 2024, the world',
  'The key to the cabinets',
  'How do I bake a cake?',
  'What is photosynthesis?',
  'The CEO of Apple is',
  'My favorite color is',
  'The largest ocean on Earth is',
];
