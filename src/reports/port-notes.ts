/**
 * A port's explanation in one sentence and a short verdict, for the markdown and HTML reports, from
 * the port registry (src/registry). Looked up per reported row, never per line.
 */
import { lookupPort, TRANSPORTS, type PortInfo, type Transport } from '../registry/registry.js';

export interface PortNote {
  /** One sentence: what the port is and why it is probed. */
  explanation: string;
  /** How much this port is scanned in general, from the registry's notes: "top", "campaign", … or "". */
  scanned: string;
  tags: string[];
}

const MAX_EXPLANATION = 220;

function isTransport(p: string): p is Transport {
  return (TRANSPORTS as readonly string[]).includes(p);
}

/** The whole sentences that fit in MAX_EXPLANATION characters (at least the first, cut if it must be). */
function firstSentences(text: string): string {
  if (text.length <= MAX_EXPLANATION) return text;
  const end = text.lastIndexOf('. ', MAX_EXPLANATION - 1);
  if (end > 0) return text.slice(0, end + 1);
  return `${text.slice(0, MAX_EXPLANATION - 1).trimEnd()}…`;
}

/** What the registry says about `port`/`proto`; an empty note for protocols without ports. */
export function portNote(proto: string, port: number | null): PortNote {
  if (port === null || !isTransport(proto)) return { explanation: '', scanned: '', tags: [] };
  const info: PortInfo = lookupPort(proto, port);
  const fact = info.facts.find((f) => f.applies && f.kind !== 'registry' && f.kind !== 'range') ?? info.facts.find((f) => f.applies);
  const iana = info.iana.name ? `${info.iana.name}: ${info.iana.description}` : '';
  const explanation = firstSentences(fact?.text ?? iana);
  const scanned = info.scanVolume !== null && info.scanVolume.class !== 'n/a' && info.scanVolume.class !== 'unrated' ? info.scanVolume.class : '';
  return { explanation, scanned, tags: [...info.tags] };
}
