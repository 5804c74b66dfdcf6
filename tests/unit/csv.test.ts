import { describe, expect, it } from "vitest";
import {
  decodeCsvBytes,
  delimiterLabel,
  detectDelimiter,
  encodingProblem,
  firstNonBlankLine,
  normaliseHeader,
  normaliseText,
  readCsv,
  splitLines,
} from "@/lib/platform/csv";

const utf8 = (text: string) => new TextEncoder().encode(text);

/** Each UTF-16 code unit as two bytes, in the given order, behind the matching BOM. */
function utf16(text: string, order: "le" | "be"): Uint8Array {
  const bytes = new Uint8Array(2 + text.length * 2);
  bytes.set(order === "le" ? [0xff, 0xfe] : [0xfe, 0xff]);
  for (let i = 0; i < text.length; i++) {
    const [lo, hi] = [text.charCodeAt(i) & 0xff, text.charCodeAt(i) >> 8];
    bytes.set(order === "le" ? [lo, hi] : [hi, lo], 2 + i * 2);
  }
  return bytes;
}

describe("decodeCsvBytes", () => {
  const text = "Title;Minutes\nÜberprüfen;5\n";

  it("lets a BOM decide the encoding and drops it", () => {
    expect(decodeCsvBytes(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8(text)]))).toEqual({ text, encoding: "utf-8", invalidBytes: false });
    expect(decodeCsvBytes(utf16(text, "le"))).toEqual({ text, encoding: "utf-16le", invalidBytes: false });
    expect(decodeCsvBytes(utf16(text, "be"))).toEqual({ text, encoding: "utf-16be", invalidBytes: false });
  });

  it("reads bytes without a BOM as UTF-8", () => {
    expect(decodeCsvBytes(utf8(text))).toEqual({ text, encoding: "utf-8", invalidBytes: false });
  });

  it("flags Windows-1252 bytes that are not UTF-8, and reads them as Windows-1252 on request", () => {
    // "Prüfen;Café" as Excel's plain CSV writes it on Windows: ü = 0xFC, é = 0xE9. Bytes 0x80–0x9F
    // (€, curly quotes) are left out: Node's TextDecoder reads them as Latin-1 (nodejs/node#60888).
    const bytes = new Uint8Array([...utf8("Pr"), 0xfc, ...utf8("fen;Caf"), 0xe9]);
    expect(decodeCsvBytes(bytes)).toEqual({ text: "Pr\uFFFDfen;Caf\uFFFD", encoding: "utf-8", invalidBytes: true });
    expect(decodeCsvBytes(bytes, "windows-1252")).toEqual({ text: "Prüfen;Café", encoding: "windows-1252", invalidBytes: false });
  });
});

describe("encodingProblem", () => {
  it("passes clean text, accents included", () => {
    expect(encodingProblem("Überprüfen, naïve – “quoted”")).toBeNull();
  });

  it("names undecodable bytes, NUL characters and UTF-8 read as Windows-1252", () => {
    expect(encodingProblem("Pr\uFFFDfen")).toMatch(/^contains characters that could not be decoded/);
    expect(encodingProblem("T\u0000i\u0000")).toMatch(/^contains NUL characters/);
    expect(encodingProblem("ÃœberprÃ¼fen")).toMatch(/^looks like UTF-8 text that was read with the wrong encoding/);
    expect(encodingProblem("Donâ€™t stop")).toMatch(/wrong encoding/);
  });
});

describe("normaliseText, splitLines, firstNonBlankLine", () => {
  it("drops a leading BOM only and turns CRLF and CR into LF", () => {
    expect(normaliseText("\uFEFFa\r\nb\rc\nd\uFEFF")).toBe("a\nb\nc\nd\uFEFF");
  });

  it("keeps one entry per input line, blank ones included", () => {
    expect(splitLines("\uFEFFa\r\n\r\nb\rc\n")).toEqual(["a", "", "b", "c", ""]);
  });

  it("finds the first line with content, as written", () => {
    expect(firstNonBlankLine("\r\n  \t\r\n\tTitle;Minutes \r\nA;5")).toBe("\tTitle;Minutes ");
    expect(firstNonBlankLine(" \n\n")).toBe("");
  });
});

describe("detectDelimiter", () => {
  it("picks the most frequent of comma, semicolon and tab", () => {
    expect(detectDelimiter("Title;Minutes;Team")).toBe(";");
    expect(detectDelimiter("Title\tMinutes\tTeam")).toBe("\t");
    expect(detectDelimiter("Title,Minutes;Team,Owner")).toBe(",");
  });

  it("ignores separators inside quotes", () => {
    expect(detectDelimiter('"Duration, min";"Owner, e-mail";Title')).toBe(";");
    expect(detectDelimiter('"a;b;c\td\te",Title')).toBe(",");
  });

  it("falls back to a comma for a single column and breaks ties comma, then semicolon", () => {
    expect(detectDelimiter("Hostname")).toBe(",");
    expect(detectDelimiter("")).toBe(",");
    expect(detectDelimiter("a;b,c")).toBe(",");
    expect(detectDelimiter("a\tb;c")).toBe(";");
  });

  it("is named so a tab shows in messages", () => {
    expect(delimiterLabel("\t")).toBe("tab");
    expect(delimiterLabel(";")).toBe(";");
  });
});

describe("readCsv", () => {
  it("detects a semicolon, strips the BOM from the first header and trims cells", () => {
    const table = readCsv("\uFEFFTitle; Minutes \r\nA ;5\r\n");
    expect(table.delimiter).toBe(";");
    expect(table.header).toEqual({ index: 0, line: 1, cells: ["Title", "Minutes"], quoteError: false });
    expect(table.records).toEqual([{ index: 1, line: 2, cells: ["A", "5"], quoteError: false }]);
  });

  it("detects tabs (pasted cells) and keeps commas inside them", () => {
    const table = readCsv("Title\tMinutes\nZone the SAN, cable SCSI\t1,5\n");
    expect(table.delimiter).toBe("\t");
    expect(table.records.map((r) => r.cells)).toEqual([["Zone the SAN, cable SCSI", "1,5"]]);
  });

  it("keeps delimiters, newlines and doubled quotes inside quoted values, and numbers lines as in the text", () => {
    const table = readCsv('Title,Notes,Owner\r\n"Copy, then verify","line one\r\nline two",a@x\r\n"Say ""hi""",,b@x\r\n');
    expect(table.records.map((r) => [r.line, r.cells])).toEqual([
      [2, ["Copy, then verify", "line one\nline two", "a@x"]],
      [4, ['Say "hi"', "", "b@x"]],
    ]);
  });

  it("takes the first non-blank row as the header, keeps blank rows in between and drops those at the end", () => {
    const table = readCsv("\n , \nTitle,Minutes\nA,5\n\n,\nB,6\n\n,,\n\n");
    expect(table.header).toMatchObject({ index: 2, line: 3, cells: ["Title", "Minutes"] });
    expect(table.records.map((r) => [r.index, r.line, r.cells])).toEqual([
      [3, 4, ["A", "5"]],
      [4, 5, [""]],
      [5, 6, ["", ""]],
      [6, 7, ["B", "6"]],
    ]);
  });

  it("flags an unclosed quote on the row where it opens", () => {
    const table = readCsv('Title,Minutes\nA,5\n"B,5\nC,6\n');
    expect(table.records.map((r) => [r.line, r.quoteError])).toEqual([
      [2, false],
      [3, true],
    ]);
    expect(table.records[1].cells).toEqual(["B,5\nC,6"]);
  });

  it("returns no header for blank text, and uses a delimiter it is given", () => {
    expect(readCsv(" \r\n\t\n")).toEqual({ delimiter: ",", header: null, records: [] });
    const table = readCsv("a,b;c\n1,2;3", { delimiter: ";" });
    expect(table.delimiter).toBe(";");
    expect(table.header?.cells).toEqual(["a,b", "c"]);
    expect(table.records[0].cells).toEqual(["1,2", "3"]);
  });
});

describe("normaliseHeader", () => {
  it("compares header names by their ASCII letters and digits only", () => {
    expect(normaliseHeader("Task Name")).toBe("taskname");
    expect(normaliseHeader(" Owner e-mail ")).toBe("owneremail");
    expect(normaliseHeader("Duration (min)")).toBe("durationmin");
    expect(normaliseHeader("CLIENT_HOSTNAME")).toBe("clienthostname");
    expect(normaliseHeader("Überprüfung")).toBe("berprfung");
  });
});
