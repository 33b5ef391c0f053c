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
