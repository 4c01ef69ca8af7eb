/**
 * The parser registry. Valid `--input-format` names come from this map, never from a hand-kept list.
 * `detectionOrder` is the order `auto` tries the sniffers in: cheapest and most specific first.
 */
import type { Parser } from '../src/types.js';
import { iptablesParser } from './iptables.js';
import { windowsParser } from './windows.js';
import { filterlogParser } from './filterlog.js';
import { pfParser } from './pf.js';

export const parsers = {
  iptables: iptablesParser,
  pf: pfParser,
  filterlog: filterlogParser,
  windows: windowsParser,
} satisfies Record<string, Parser>;

export type LineFormat = keyof typeof parsers;

export const detectionOrder: readonly Parser[] = [iptablesParser, filterlogParser, pfParser, windowsParser];
