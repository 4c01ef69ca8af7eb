/**
 * The parser registry. Valid `--input-format` names come from this map, never from a hand-kept list.
 * `detectionOrder` is the order `auto` tries the sniffers in: cheapest and most specific first.
 */
import type { Parser } from '../src/types.js';
import { iptablesParser } from './iptables.js';
import { windowsParser } from './windows.js';

export const parsers = {
  iptables: iptablesParser,
  windows: windowsParser,
} satisfies Record<string, Parser>;

export type LineFormat = keyof typeof parsers;

export const detectionOrder: readonly Parser[] = [iptablesParser, windowsParser];
