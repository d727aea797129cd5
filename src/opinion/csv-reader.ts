// CSV records (RFC 4180: comma-separated, fields in double quotes may hold commas, line
// breaks and doubled quotes), read chunk by chunk so a large file is never held whole.
// Each record comes with the line it starts on, for error messages.

export interface CsvRecord {
  line: number;
  fields: string[];
}

export class CsvReader {
  private fields: string[] = [];
  private field = "";
  private quoted = false;
  /** Inside quotes, a quote was just read: the end of the field, or the first of a doubled quote. */
  private quoteSeen = false;
  private line = 1;
  private recordLine = 1;
  private started = false;

  /** The records completed by this chunk. */
  push(chunk: string): CsvRecord[] {
    const done: CsvRecord[] = [];
    for (const char of chunk) {
      if (this.quoted) {
        if (this.quoteSeen) {
          this.quoteSeen = false;
          if (char === '"') {
            this.field += '"';
            continue;
          }
          this.quoted = false; // the closing quote; this character is read as outside quotes
        } else if (char === '"') {
          this.quoteSeen = true;
          continue;
        } else {
          if (char === "\n") this.line++;
          this.field += char;
          continue;
        }
      }
      if (char === '"' && this.field === "") {
        this.quoted = true;
        this.started = true;
      } else if (char === ",") {
        this.fields.push(this.field);
        this.field = "";
        this.started = true;
      } else if (char === "\n") {
        this.endRecord(done);
        this.line++;
        this.recordLine = this.line;
      } else if (char !== "\r") {
        this.field += char;
        this.started = true;
      }
    }
    return done;
  }

  /** The last record, when the file does not end with a line break. */
  end(): CsvRecord[] {
    const done: CsvRecord[] = [];
    this.quoteSeen = false;
    this.quoted = false;
    this.endRecord(done);
    return done;
  }

  private endRecord(done: CsvRecord[]): void {
    if (this.started || this.field !== "") {
      this.fields.push(this.field);
      done.push({ line: this.recordLine, fields: this.fields });
    }
    this.fields = [];
    this.field = "";
    this.started = false;
  }
}
