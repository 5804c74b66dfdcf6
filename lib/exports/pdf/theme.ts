import { StyleSheet } from "@react-pdf/renderer";

/** Geometry and colours of the run PDF (A4, the standard Helvetica/Courier fonts only). */
export const PAGE = { width: 595.28, height: 841.89, marginX: 40, marginTop: 26, marginBottom: 24 } as const;
export const CONTENT_WIDTH = PAGE.width - 2 * PAGE.marginX;

/** Courier's advance is 600/1000 em for every glyph, so monospace widths are exact. */
export const monoChars = (width: number, fontSize: number) => Math.floor(width / (0.6 * fontSize)) - 1;

export const C = {
  ink: "#0f172a",
  body: "#1e293b",
  muted: "#475569",
  faint: "#94a3b8",
  rule: "#cbd5e1",
  hairline: "#e2e8f0",
  panel: "#f8fafc",
  band: "#f1f5f9",
  accent: "#4338ca",
  accentSoft: "#e0e7ff",
  codeBg: "#f1f5f9",
  emerald: "#047857",
  emeraldSoft: "#d1fae5",
  amber: "#b45309",
  amberSoft: "#fef3c7",
  rose: "#be123c",
  roseSoft: "#ffe4e6",
  sky: "#0369a1",
  skySoft: "#e0f2fe",
  slate: "#475569",
  slateSoft: "#f1f5f9",
  planned: "#cbd5e1",
  actual: "#4f46e5",
} as const;

export type Tone = "emerald" | "amber" | "rose" | "sky" | "slate" | "accent";
export const TONES: Record<Tone, { fg: string; bg: string }> = {
  emerald: { fg: C.emerald, bg: C.emeraldSoft },
  amber: { fg: C.amber, bg: C.amberSoft },
  rose: { fg: C.rose, bg: C.roseSoft },
  sky: { fg: C.sky, bg: C.skySoft },
  slate: { fg: C.slate, bg: C.slateSoft },
  accent: { fg: C.accent, bg: C.accentSoft },
};

/** Step table columns (points). The title column takes what is left. */
export const STEP_COLS = { number: 28, planned: 52, actual: 52, variance: 52, status: 112 } as const;
export const STEP_DETAIL_WIDTH = CONTENT_WIDTH - STEP_COLS.number;
export const CODE_FONT_SIZE = 7;
export const CODE_PADDING_X = 6;
export const CODE_CHARS = monoChars(STEP_DETAIL_WIDTH - 2 * CODE_PADDING_X - 2, CODE_FONT_SIZE);

export const AUDIT_FONT_SIZE = 6.4;
export const AUDIT_CHARS = monoChars(CONTENT_WIDTH - 8, AUDIT_FONT_SIZE);
export const FLEET_FONT_SIZE = 6.3;
export const FLEET_CHARS = monoChars(CONTENT_WIDTH - 8, FLEET_FONT_SIZE);

export const s = StyleSheet.create({
  page: {
    paddingTop: PAGE.marginTop,
    paddingBottom: PAGE.marginBottom,
    paddingHorizontal: PAGE.marginX,
    fontFamily: "Helvetica",
    fontSize: 8.5,
    color: C.body,
  },
  // ---- page chrome
  header: { flexDirection: "row", justifyContent: "space-between", alignItems: "flex-end", borderBottomWidth: 0.75, borderBottomColor: C.rule, paddingBottom: 4, marginBottom: 6 },
  headerProject: { fontFamily: "Helvetica-Bold", fontSize: 8, color: C.ink, maxWidth: CONTENT_WIDTH * 0.6 },
  headerRun: { fontSize: 7.5, color: C.muted, textAlign: "right", maxWidth: CONTENT_WIDTH * 0.4 },
  banner: { backgroundColor: C.roseSoft, borderWidth: 0.75, borderColor: C.rose, borderRadius: 2, paddingVertical: 3, paddingHorizontal: 6, marginBottom: 8 },
  bannerText: { fontFamily: "Helvetica-Bold", fontSize: 8.5, color: C.rose, textAlign: "center" },
  content: { flexGrow: 1 },
  footer: { flexDirection: "row", justifyContent: "space-between", borderTopWidth: 0.75, borderTopColor: C.rule, paddingTop: 4, marginTop: 6 },
  footerText: { fontSize: 7, color: C.muted },
  watermark: {
    position: "absolute",
    top: 380,
    left: 40,
    width: CONTENT_WIDTH,
    textAlign: "center",
    fontFamily: "Helvetica-Bold",
    fontSize: 64,
    color: C.rose,
    opacity: 0.07,
    transform: "rotate(-32deg)",
  },
  // ---- headings
  kicker: { fontFamily: "Helvetica-Bold", fontSize: 8, color: C.accent, marginBottom: 4 },
  title: { fontFamily: "Helvetica-Bold", fontSize: 20, lineHeight: 1.2, color: C.ink },
  subtitle: { fontSize: 11, color: C.muted, marginTop: 4 },
  h1: { fontFamily: "Helvetica-Bold", fontSize: 14, color: C.ink, marginBottom: 6 },
  h2: { fontFamily: "Helvetica-Bold", fontSize: 10.5, color: C.ink, marginTop: 12, marginBottom: 5 },
  lead: { fontSize: 8.5, lineHeight: 1.35, color: C.muted, marginBottom: 8 },
  small: { fontSize: 7.5, lineHeight: 1.3, color: C.muted },
  bold: { fontFamily: "Helvetica-Bold" },
  mono: { fontFamily: "Courier" },
  // ---- key/value facts
  facts: { borderWidth: 0.75, borderColor: C.hairline, borderRadius: 3, backgroundColor: C.panel, paddingVertical: 6, paddingHorizontal: 8, marginTop: 12 },
  factRow: { flexDirection: "row", paddingVertical: 2.2 },
  factLabel: { width: 92, fontSize: 7.5, color: C.muted, paddingTop: 0.8 },
  factValue: { flex: 1, fontSize: 8.5, lineHeight: 1.3, color: C.ink },
  twoCol: { flexDirection: "row" },
  col: { flex: 1 },
  // ---- generic tables
  table: { borderTopWidth: 0.75, borderTopColor: C.rule },
  th: { flexDirection: "row", borderBottomWidth: 0.75, borderBottomColor: C.rule, paddingVertical: 3, backgroundColor: C.band },
  thText: { fontFamily: "Helvetica-Bold", fontSize: 7, color: C.muted, paddingHorizontal: 3 },
  tr: { flexDirection: "row", borderBottomWidth: 0.5, borderBottomColor: C.hairline, paddingVertical: 3 },
  td: { fontSize: 8, lineHeight: 1.3, paddingHorizontal: 3 },
  num: { textAlign: "right" },
  // ---- summary
  tiles: { flexDirection: "row", marginHorizontal: -3, marginBottom: 4 },
  tile: { flex: 1, marginHorizontal: 3, borderRadius: 3, paddingVertical: 6, paddingHorizontal: 8 },
  tileValue: { fontFamily: "Helvetica-Bold", fontSize: 18, lineHeight: 1.1 },
  tileLabel: { fontSize: 7.5, marginTop: 1 },
  chartRow: { flexDirection: "row", alignItems: "center", paddingVertical: 2.5, borderBottomWidth: 0.5, borderBottomColor: C.hairline },
  chartLabel: { width: 150, fontSize: 7.5, paddingRight: 6 },
  chartValues: { width: 104, fontSize: 7, color: C.muted, textAlign: "right" },
  legend: { flexDirection: "row", alignItems: "center", marginTop: 4 },
  // ---- steps
  phase: { marginTop: 10 },
  phaseHead: { backgroundColor: C.ink, paddingVertical: 5, paddingHorizontal: 7, borderTopLeftRadius: 3, borderTopRightRadius: 3, flexDirection: "row", justifyContent: "space-between", alignItems: "flex-end" },
  phaseTitle: { fontFamily: "Helvetica-Bold", fontSize: 10, color: "#ffffff", flex: 1, paddingRight: 8 },
  phaseMeta: { fontSize: 7.5, color: "#cbd5e1", textAlign: "right" },
  phaseDesc: { fontSize: 7.5, color: C.muted, paddingVertical: 3, paddingHorizontal: 7, backgroundColor: C.band },
  stepTh: { flexDirection: "row", backgroundColor: C.band, borderBottomWidth: 0.75, borderBottomColor: C.rule, paddingVertical: 2.5 },
  step: { borderBottomWidth: 0.5, borderBottomColor: C.rule, paddingTop: 4, paddingBottom: 5 },
  stepRow: { flexDirection: "row" },
  stepNumber: { width: STEP_COLS.number, fontFamily: "Helvetica-Bold", fontSize: 9, color: C.ink, textAlign: "right", paddingRight: 6 },
  stepMain: { flex: 1, paddingRight: 4, fontSize: 7.3, lineHeight: 1.35, color: C.muted },
  stepTitle: { fontFamily: "Helvetica-Bold", fontSize: 8.8, color: C.ink },

  stepCell: { fontSize: 8, textAlign: "right", paddingRight: 4 },
  stepStatus: { width: STEP_COLS.status, paddingLeft: 6, fontSize: 7.2, lineHeight: 1.35, color: C.muted },
  note: { marginLeft: STEP_COLS.number, fontSize: 7.8, lineHeight: 1.3, color: C.body, backgroundColor: C.panel, borderLeftWidth: 2, borderLeftColor: C.faint, paddingVertical: 2, paddingHorizontal: 5, marginTop: 3 },
  reason: { marginLeft: STEP_COLS.number, fontSize: 7.8, lineHeight: 1.3, color: "#78350f", backgroundColor: C.amberSoft, borderLeftWidth: 2, borderLeftColor: C.amber, paddingVertical: 2, paddingHorizontal: 5, marginTop: 3 },
  failure: { marginLeft: STEP_COLS.number, fontSize: 7.8, lineHeight: 1.3, color: "#881337", backgroundColor: C.roseSoft, borderLeftWidth: 2, borderLeftColor: C.rose, paddingVertical: 2, paddingHorizontal: 5, marginTop: 3 },
  decision: { marginLeft: STEP_COLS.number, fontSize: 7.8, lineHeight: 1.3, color: C.ink, backgroundColor: C.accentSoft, borderLeftWidth: 2, borderLeftColor: C.accent, paddingVertical: 2, paddingHorizontal: 5, marginTop: 3 },
  details: { marginLeft: STEP_COLS.number, fontSize: 7.6, lineHeight: 1.35, color: C.muted, marginTop: 3 },
  code: {
    marginLeft: STEP_COLS.number,
    marginTop: 3,
    backgroundColor: C.codeBg,
    borderWidth: 0.5,
    borderColor: C.hairline,
    borderRadius: 2,
    paddingVertical: 3,
    paddingHorizontal: CODE_PADDING_X,
    fontFamily: "Courier",
    fontSize: CODE_FONT_SIZE,
    lineHeight: 1.3,
    color: C.ink,
  },
  codeMarker: { color: C.faint },
  check: { marginLeft: STEP_COLS.number, fontSize: 7.6, lineHeight: 1.35, color: C.body, marginTop: 3 },
  // ---- monospace appendices
  monoHead: { fontFamily: "Courier-Bold", color: C.ink, backgroundColor: C.band, paddingVertical: 2, paddingHorizontal: 4, borderBottomWidth: 0.75, borderBottomColor: C.rule },
  monoBand: { fontFamily: "Courier", color: C.body, paddingVertical: 1.5, paddingHorizontal: 4, lineHeight: 1.28 },
  hashLine: { color: C.faint },
  grid: { fontFamily: "Courier", fontSize: FLEET_FONT_SIZE, lineHeight: 1.3, color: C.body, paddingVertical: 1.5, paddingHorizontal: 4 },
  // ---- integrity box
  integrity: { marginTop: 12, borderWidth: 0.75, borderColor: C.accent, borderRadius: 3, padding: 8 },
  hash: { fontFamily: "Courier", fontSize: 7.6, color: C.ink },
});
