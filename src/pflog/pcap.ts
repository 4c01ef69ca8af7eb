/**
 * Streaming reader for `/var/log/pflog`: a classic libpcap file whose link type is PFLOG (117).
 *
 *   file header (24 bytes): magic, version 2.4, thiszone, sigfigs, snaplen, link type
 *   record header (16 bytes): ts_sec, ts_usec|ts_nsec, caplen, wire length
 *   record body (caplen bytes): pflog header + IP packet (see record.ts)
 *
 * The magic says the byte order of every header field and whether the fraction is micro- or
 * nanoseconds. pcapng (`/var/log/pflog` is never pcapng) and the rare Kuznetsov "modified pcap"
 * are not read: `isPcapMagic` says false for them.
 *
 * `push` accepts chunks cut anywhere. A unit (file header, record header, record body) that lies
 * whole inside a chunk is decoded in place; only a unit split across chunks is copied, into one
 * reused carry buffer. One event per record goes to `onEvent`; a record that cannot be decoded goes
 * to `onReject` with its 1-based record number (the "line number" of a binary log).
 */
import { newEvent, type PacketEvent, type RejectReason } from '../types.js';
import { decodePflogRecord, newPflogHeader, rejectDetail, type PflogHeader } from './record.js';

export const LINKTYPE_PFLOG = 117;

const MAGIC_USEC = 0xa1b2c3d4;
const MAGIC_NSEC = 0xa1b23c4d;
const MAGIC_USEC_SWAPPED = 0xd4c3b2a1;
const MAGIC_NSEC_SWAPPED = 0x4d3cb2a1;

const FILE_HEADER = 24;
const RECORD_HEADER = 16;
/** libpcap's largest snapshot length (MAXIMUM_SNAPLEN); a bigger caplen means the framing is lost. */
const MAX_CAPLEN = 262_144;

/** Whether the first bytes of an input are a classic pcap file header, in either byte order, µs or ns. */
export function isPcapMagic(firstBytes: Buffer): boolean {
  if (firstBytes.length < 4) return false;
  const m = firstBytes.readUInt32BE(0);
  return m === MAGIC_USEC || m === MAGIC_NSEC || m === MAGIC_USEC_SWAPPED || m === MAGIC_NSEC_SWAPPED;
}

export type PcapEventHandler = (event: PacketEvent, pflog: PflogHeader) => void;
/** `record` is 1-based (0 for the file header); `detail` is a short text for the reject samples. */
export type PcapRejectHandler = (reason: RejectReason, record: number, detail: string) => void;

export interface PcapDecoderOptions {
  onEvent: PcapEventHandler;
  onReject: PcapRejectHandler;
}

// What the decoder waits for.
const FILE_HEADER_STAGE = 0;
const RECORD_HEADER_STAGE = 1;
const RECORD_BODY_STAGE = 2;
/** The framing is lost (bad magic, impossible caplen): the rest of the input is ignored. */
const STOPPED = 3;
const ENDED = 4;

export class PcapDecoder {
  /** Records seen so far (decoded or rejected). */
  records = 0;
  /** From the file header: link type, byte order, fraction unit, snapshot length. -1/false before. */
  linkType = -1;
  littleEndian = false;
  nanoseconds = false;
  snaplen = -1;

  private readonly onEvent: PcapEventHandler;
  private readonly onReject: PcapRejectHandler;
  private readonly header = newPflogHeader();
  private stage = FILE_HEADER_STAGE as number;
  /** Bytes the current unit needs. */
  private need = FILE_HEADER;
  private carry = Buffer.alloc(256);
  private carryLen = 0;
  private seenBytes = false;
  // The current record's header fields.
  private tsSec = 0;
  private tsFrac = 0;
  private caplen = 0;
  private wireLen = 0;

  constructor(options: PcapDecoderOptions) {
    this.onEvent = options.onEvent;
    this.onReject = options.onReject;
  }

  push(chunk: Buffer): void {
    if (chunk.length > 0) this.seenBytes = true;
    let pos = 0;
    while (pos < chunk.length) {
      if (this.stage === STOPPED || this.stage === ENDED) return;
      const need = this.need;
      if (this.carryLen === 0 && chunk.length - pos >= need) {
        const at = pos;
        pos += need;
        this.consume(chunk, at);
        continue;
      }
      if (this.carry.length < need) {
        const bigger = Buffer.alloc(Math.max(need, this.carry.length * 2));
        this.carry.copy(bigger, 0, 0, this.carryLen);
        this.carry = bigger;
      }
      const take = Math.min(need - this.carryLen, chunk.length - pos);
      chunk.copy(this.carry, this.carryLen, pos, pos + take);
      this.carryLen += take;
      pos += take;
      if (this.carryLen < need) return;
      this.carryLen = 0;
      this.consume(this.carry, 0);
    }
  }

  /** The input is over: a unit still incomplete is a truncated record (or file header). */
  end(): void {
    if (this.stage === ENDED) return;
    const stage = this.stage;
    this.stage = ENDED;
    if (stage === STOPPED || !this.seenBytes) return;
    if (stage === FILE_HEADER_STAGE) {
      this.onReject('truncated', 0, `pcap file header cut at ${this.carryLen} of 24 bytes`);
    } else if (stage === RECORD_BODY_STAGE) {
      this.onReject('truncated', this.records, `record cut at ${this.carryLen} of ${this.caplen} bytes`);
    } else if (this.carryLen > 0) {
      this.records++;
      this.onReject('truncated', this.records, `record header cut at ${this.carryLen} of 16 bytes`);
    }
    this.carryLen = 0;
  }

  /** Decode the current unit, whole in buf[at, at + this.need), and set the next one. */
  private consume(buf: Buffer, at: number): void {
    switch (this.stage) {
      case FILE_HEADER_STAGE:
        this.readFileHeader(buf, at);
        return;
      case RECORD_HEADER_STAGE:
        this.readRecordHeader(buf, at);
        return;
      case RECORD_BODY_STAGE:
        this.need = RECORD_HEADER;
        this.stage = RECORD_HEADER_STAGE;
        this.readRecordBody(buf, at);
        return;
      default:
        return;
    }
  }

  private readFileHeader(buf: Buffer, at: number): void {
    const m = buf.readUInt32BE(at);
    if (m === MAGIC_USEC || m === MAGIC_NSEC) this.littleEndian = false;
    else if (m === MAGIC_USEC_SWAPPED || m === MAGIC_NSEC_SWAPPED) this.littleEndian = true;
    else {
      this.stage = STOPPED;
      this.onReject('malformed', 0, `not a pcap file (magic 0x${m.toString(16).padStart(8, '0')})`);
      return;
    }
    this.nanoseconds = m === MAGIC_NSEC || m === MAGIC_NSEC_SWAPPED;
    this.snaplen = this.u32(buf, at + 16);
    // The link type is the low 16 bits; the upper bits may carry FCS information.
    this.linkType = this.u32(buf, at + 20) & 0xffff;
    this.stage = RECORD_HEADER_STAGE;
    this.need = RECORD_HEADER;
  }

  private readRecordHeader(buf: Buffer, at: number): void {
    this.records++;
    this.tsSec = this.u32(buf, at);
    this.tsFrac = this.u32(buf, at + 4);
    this.caplen = this.u32(buf, at + 8);
    this.wireLen = this.u32(buf, at + 12);
    if (this.caplen > MAX_CAPLEN) {
      this.stage = STOPPED;
      this.onReject('malformed', this.records, `record length ${this.caplen} is impossible; the rest of the file is unreadable`);
      return;
    }
    if (this.caplen === 0) {
      this.onReject('truncated', this.records, 'empty record');
      return;
    }
    this.stage = RECORD_BODY_STAGE;
    this.need = this.caplen;
  }

  private readRecordBody(buf: Buffer, at: number): void {
    if (this.linkType !== LINKTYPE_PFLOG) {
      this.onReject('malformed', this.records, `link type ${this.linkType} is not PFLOG (117)`);
      return;
    }
    const ev = newEvent('pflog', '');
    const wire = this.wireLen >= this.caplen ? this.wireLen : this.caplen;
    const bad = decodePflogRecord(buf, at, this.caplen, wire, this.littleEndian, ev, this.header);
    if (bad !== null) {
      this.onReject(bad, this.records, rejectDetail.text);
      return;
    }
    const fracMs = this.nanoseconds ? Math.floor(this.tsFrac / 1_000_000) : Math.floor(this.tsFrac / 1000);
    ev.time = this.tsSec * 1000 + fracMs;
    this.onEvent(ev, this.header);
  }

  private u32(buf: Buffer, at: number): number {
    return this.littleEndian ? buf.readUInt32LE(at) : buf.readUInt32BE(at);
  }
}

/** Decode a whole pcap buffer at once (tests, small files). */
export function decodePcap(bytes: Buffer): { events: PacketEvent[]; rejects: { reason: RejectReason; record: number; detail: string }[] } {
  const events: PacketEvent[] = [];
  const rejects: { reason: RejectReason; record: number; detail: string }[] = [];
  const d = new PcapDecoder({
    onEvent: (ev) => events.push(ev),
    onReject: (reason, record, detail) => rejects.push({ reason, record, detail }),
  });
  d.push(bytes);
  d.end();
  return { events, rejects };
}
