/**
 * The settings of a run, resolved in one place for both front ends. Precedence: a CLI flag (said for this
 * run), then the file's directive, then an editor setting, then the default. Text the user typed (a flag, a
 * string setting) is parsed by the directives' own parsers (src/pairs/directives.ts), so `--top 0.1%`,
 * `@top 0.1%` and `cna.circuitSize: "0.1%"` mean the same; what comes out is typed.
 */
import { DEFAULT_EXCLUDE_LAYERS, DEFAULT_TOP, parseLayerSpec, parseTop } from '../cna/rank';
import { DEFAULT_DETECTOR, parseDetectorName, type DetectorName } from '../cna/refusal';
import { DEFAULT_MULTIPLIERS } from '../cna/sweep';
import { UserError } from '../errors';
import { parseDirectiveValue } from '../pairs/directives';
import type { Header, TopValue } from '../pairs/types';
import { GENERATE_DEFAULT_MAX_NEW_TOKENS } from '../protocol';

export interface RunSettings {
  /** Circuit size: a share of all MLP neurons or a count. */
  top: TopValue;
  /** Layers left out of the ranking. */
  excludeLayers: readonly number[];
  universalFilter: boolean;
  /** The sweep's grid. */
  multipliers: readonly number[];
  /** Tokens generated per answer (sweeps, steering, generate). */
  maxNewTokens: number;
  detector: DetectorName;
}

/** The defaults, defined once: the paper's 0.1%, the reference code's layers 0-1 and 150 tokens. */
export const RUN_DEFAULTS: Readonly<RunSettings> = {
  top: parseTop(DEFAULT_TOP),
  excludeLayers: parseLayerSpec(DEFAULT_EXCLUDE_LAYERS),
  universalFilter: true,
  multipliers: DEFAULT_MULTIPLIERS,
  maxNewTokens: GENERATE_DEFAULT_MAX_NEW_TOKENS,
  detector: DEFAULT_DETECTOR,
};

/** What a front end gives: text as the user typed it, or a value that is typed already. */
export interface GivenSettings {
  top?: string | TopValue;
  excludeLayers?: string | readonly number[];
  universalFilter?: boolean;
  multipliers?: string | readonly number[];
  maxNewTokens?: number;
  detector?: string;
}

export interface SettingsSources {
  /** CLI flags: they win over the file. */
  flags?: GivenSettings;
  /** Editor settings: the file's directives win over them. */
  settings?: GivenSettings;
  /** How to name a value in an error: `--top`, `the setting cna.circuitSize`. */
  names?: { flags?: (key: keyof GivenSettings) => string; settings?: (key: keyof GivenSettings) => string };
}

/** The CLI's names for its flags. */
export const flagName = (key: keyof GivenSettings): string => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

const SETTING_NAMES: Record<keyof GivenSettings, string> = {
  top: 'cna.circuitSize',
  excludeLayers: 'cna.excludeLayers',
  universalFilter: 'cna.universalFilter',
  multipliers: 'cna.multipliers',
  maxNewTokens: 'cna.maxNewTokens',
  detector: 'cna.detector',
};

/** The editor's names for its settings. */
export const settingName = (key: keyof GivenSettings): string => `the setting ${SETTING_NAMES[key]}`;

export function resolveRunSettings(header: Header, sources: SettingsSources = {}): RunSettings {
  const flags = sources.flags ?? {};
  const settings = sources.settings ?? {};
  const flagLabel = sources.names?.flags ?? flagName;
  const settingLabel = sources.names?.settings ?? settingName;
  const pick = <T>(key: keyof GivenSettings, directive: T | undefined, parse: (value: NonNullable<GivenSettings[typeof key]>, name: string) => T, fallback: T): T => {
    const flag = flags[key];
    if (flag !== undefined && flag !== '') return parse(flag as NonNullable<GivenSettings[typeof key]>, flagLabel(key));
    if (directive !== undefined) return directive;
    const setting = settings[key];
    if (setting !== undefined && setting !== '') return parse(setting as NonNullable<GivenSettings[typeof key]>, settingLabel(key));
    return fallback;
  };
  return {
    top: pick('top', header.top, (v, name) => (typeof v === 'string' ? parsed('top', v, name) : (v as TopValue)), RUN_DEFAULTS.top),
    excludeLayers: pick('excludeLayers', header.excludeLayers, (v, name) => (typeof v === 'string' ? parsed('exclude-layers', v, name) : (v as number[])), RUN_DEFAULTS.excludeLayers),
    // `@template reference` reproduces the reference code, whose contrastive discovery never filters: like a
    // directive, it wins over the editor setting; a flag still turns the filter on.
    universalFilter: pick('universalFilter', header.template === 'reference' ? false : undefined, (v) => v as boolean, RUN_DEFAULTS.universalFilter),
    multipliers: pick('multipliers', header.multipliers, (v, name) => (typeof v === 'string' ? parsed('multipliers', v, name) : checkedNumbers(v as number[], name)), RUN_DEFAULTS.multipliers),
    maxNewTokens: pick('maxNewTokens', undefined, (v, name) => checkedCount(v as number, name), RUN_DEFAULTS.maxNewTokens),
    detector: pick('detector', undefined, (v, name) => named(name, () => parseDetectorName(String(v))), RUN_DEFAULTS.detector),
  };
}

/** A value typed by the user, parsed as the directive of the same meaning; its error names where it came from. */
function parsed<N extends 'top' | 'exclude-layers' | 'multipliers'>(directive: N, raw: string, name: string): N extends 'top' ? TopValue : number[] {
  const result = parseDirectiveValue(directive, raw.trim());
  if (!result.ok) throw new UserError(result.message.replace(`@${directive}`, capitalise(name)));
  return result.value.value as N extends 'top' ? TopValue : number[];
}

function checkedNumbers(values: readonly number[], name: string): readonly number[] {
  if (values.length === 0 || !values.every(Number.isFinite)) throw new UserError(`${capitalise(name)} must be a list of numbers such as 0, 0.5, 1.`);
  return values;
}

function checkedCount(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new UserError(`${capitalise(name)} must be a whole number of at least 1, not ${value}.`);
  return value;
}

function named<T>(name: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof UserError) throw new UserError(`${capitalise(name)}: ${err.message}`);
    throw err;
  }
}

const capitalise = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);
