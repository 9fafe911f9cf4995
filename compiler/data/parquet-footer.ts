// The schema of a Parquet file from its footer: the top-level columns' names and physical
// types. The footer is a Thrift FileMetaData in the compact protocol; only its schema list
// (field 2) is decoded, everything else skipped, so the checker needs no Parquet library
// (hyparquet reads the data at run time).

/** Physical types by their Thrift enum value. */
const PHYSICAL = ['BOOLEAN', 'INT32', 'INT64', 'INT96', 'FLOAT', 'DOUBLE', 'BYTE_ARRAY', 'FIXED_LEN_BYTE_ARRAY'];

interface SchemaElement { name: string; type?: string; children: number }

class CompactReader {
  at = 0;
  private readonly view: DataView;
  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  byte(): number {
    if (this.at >= this.bytes.length) throw new Error('the footer ends in the middle of its metadata');
    return this.bytes[this.at++]!;
  }
  varint(): number {
    let shift = 0, value = 0;
    for (;;) {
      const b = this.byte();
      value += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return value;
      shift += 7;
      if (shift > 63) throw new Error('a malformed number in the footer');
    }
  }
  zigzag(): number {
    const v = this.varint();
    return v % 2 ? -(v + 1) / 2 : v / 2;
  }
  binary(): Uint8Array {
    const length = this.varint();
    if (this.at + length > this.bytes.length) throw new Error('the footer ends in the middle of its metadata');
    const out = this.bytes.subarray(this.at, this.at + length);
    this.at += length;
    return out;
  }
  /** The fields of a struct: each field's id and type, handed to `field`, which reads or skips it. */
  struct(field: (id: number, type: number) => void): void {
    let id = 0;
    for (;;) {
      const header = this.byte();
      const type = header & 0x0f;
      if (type === 0) return;
      const delta = header >> 4;
      id = delta ? id + delta : this.zigzag();
      field(id, type);
    }
  }
  list(): { size: number; type: number } {
    const header = this.byte();
    const size = header >> 4 === 15 ? this.varint() : header >> 4;
    return { size, type: header & 0x0f };
  }
  skip(type: number): void {
    switch (type) {
      case 1: case 2: return;
      case 3: this.at++; return;
      case 4: case 5: case 6: this.varint(); return;
      case 7: this.at += 8; return;
      case 8: this.binary(); return;
      case 9: case 10: {
        const { size, type: element } = this.list();
        for (let i = 0; i < size; i++) element === 1 || element === 2 ? this.at++ : this.skip(element);
        return;
      }
      case 11: {
        const size = this.varint();
        if (!size) return;
        const kinds = this.byte();
        for (let i = 0; i < size; i++) { this.skip(kinds >> 4); this.skip(kinds & 0x0f); }
        return;
      }
      case 12: this.struct((_, t) => this.skip(t)); return;
      default: throw new Error(`an unknown Thrift type ${type} in the footer`);
    }
  }
}

function schemaElement(r: CompactReader): SchemaElement {
  const e: SchemaElement = { name: '', children: 0 };
  r.struct((id, type) => {
    if (id === 1 && type === 5) e.type = PHYSICAL[r.zigzag()] ?? 'unknown';
    else if (id === 4 && type === 8) e.name = new TextDecoder().decode(r.binary());
    else if (id === 5 && type === 5) e.children = r.zigzag();
    else r.skip(type);
  });
  return e;
}

/** Top-level column names and physical types ('nested' for a group) from the file's last
 *  bytes: the footer, its 4-byte length and "PAR1". Throws an Error saying what is wrong. */
export function parquetColumns(tail: Uint8Array): Map<string, string> {
  if (tail.length < 8 || new TextDecoder().decode(tail.subarray(tail.length - 4)) !== 'PAR1') throw new Error('it does not end in PAR1, so it is not a Parquet file');
  const length = new DataView(tail.buffer, tail.byteOffset, tail.byteLength).getUint32(tail.length - 8, true);
  if (length + 8 > tail.length) throw new Error('its footer is cut short');
  const r = new CompactReader(tail.subarray(tail.length - 8 - length, tail.length - 8));
  let elements: SchemaElement[] | undefined;
  r.struct((id, type) => {
    if (id !== 2 || type !== 9 || elements) { r.skip(type); return; }
    const { size } = r.list();
    elements = Array.from({ length: size }, () => schemaElement(r));
  });
  if (!elements?.length) throw new Error('its footer has no schema');
  const columns = new Map<string, string>();
  // Depth first: the root, then each top-level column followed by its subtree.
  let i = 1;
  const subtree = (): number => { const e = elements![i++]!; let n = e.children; while (n-- > 0) subtree(); return e.children; };
  for (let k = 0; k < elements[0]!.children && i < elements.length; k++) {
    const e = elements[i]!;
    subtree();
    columns.set(e.name, e.children ? 'nested' : e.type ?? 'unknown');
  }
  return columns;
}
