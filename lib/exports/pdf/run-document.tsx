import { Document, Image, Page, Rect, Line, Svg, Text, View } from "@react-pdf/renderer";
import type { ReactNode } from "react";
import { STRATEGY_LABELS } from "../../projects/model";
import { RUN_KIND_LABELS } from "../../runs/model";
import { KIND_LABELS } from "../../runs/model";
import type { FleetActionName } from "../../runs/model";
import { AGENT_ONLY_ACTIONS, clientFamily } from "../../fleet/model";
import { auditActionLabel } from "../audit-summary";
import { count, longDateTime, mediumDateTime, zoneName, minutesText, preciseDateTime, shortDateTime, utcOffset, varianceText, windowRange } from "../format";
import type { ExportPhase, ExportStep, RunExportData } from "../run-export-data";
import { NBSP, commonDomainSuffix, keepIndent, markdownToPlain, monoRow, pdfText as t, truncate, wrapMonospace, type MonoColumn } from "../text";
import { HASH_RECIPE, VERIFY_STEPS } from "../verification";
import { AUDIT_CHARS, AUDIT_FONT_SIZE, C, CODE_CHARS, CONTENT_WIDTH, FLEET_CHARS, FLEET_FONT_SIZE, STEP_COLS, TONES, s, type Tone } from "./theme";

import { IN_PROGRESS_MARK } from "./marks";

export { IN_PROGRESS_MARK };

export interface RunDocumentProps {
  data: RunExportData;
  generatedBy: string;
}

/**
 * The run as a document to file: cover (who decided what, and the audit hashes), summary,
 * every step with its record, the fleet, and the run's audit trail. Every page carries the
 * project in its header, when and by whom it was generated, "Page X of Y", and — while the
 * run is still active — the in-progress mark.
 */
export function RunDocument({ data, generatedBy }: RunDocumentProps) {
  const { project, run } = data;
  const tz = project.timezone;
  const generated = `Generated ${longDateTime(data.generatedAt, tz)} by ${generatedBy}`;
  const layout = ({ pageNumber, totalPages, children }: { pageNumber?: number; totalPages?: number; children: ReactNode }) => (
    <>
      {!run.finished ? <Text style={s.watermark}>IN PROGRESS</Text> : null}
      <View style={s.header}>
        <Text style={s.headerProject}>{t(project.name)}</Text>
        <Text style={s.headerRun}>{t(`${run.name} · ${RUN_KIND_LABELS[run.kind]} · Runbook record`)}</Text>
      </View>
      {!run.finished ? (
        <View style={s.banner}>
          <Text style={s.bannerText}>{IN_PROGRESS_MARK}</Text>
        </View>
      ) : null}
      <View style={s.content}>{children}</View>
      <View style={s.footer}>
        <Text style={s.footerText}>{t(generated)}</Text>
        <Text style={s.footerText}>{`Page ${pageNumber ?? 1} of ${totalPages ?? pageNumber ?? 1}`}</Text>
      </View>
    </>
  );
  return (
    <Document
      title={t(`${project.name} — ${run.name}`)}
      author={t(generatedBy)}
      subject={t(`Runbook record of ${run.name}${run.finished ? "" : " (in progress)"}`)}
      creator="Runsheet"
      producer="Runsheet"
      creationDate={data.generatedAt}
      language="en"
    >
      <Page size="A4" style={s.page} layout={layout}>
        <Cover data={data} />
        <Summary data={data} />
        <View break {...outline("Steps")}>
          <Text style={s.h1}>Steps</Text>
          <Text style={s.lead}>
            {t(
              `Every step of the plan in order, with its record in this run. Times in ${tz} (${utcOffset(run.startedAt, tz)}). Actual is the time from start to sign-off of a step that was done; variance is actual minus planned.`,
            )}
          </Text>
        </View>
        {data.phases.map((phase) => (
          <PhaseSection key={phase.id} phase={phase} data={data} />
        ))}
        {data.fleet ? <FleetSection data={data} /> : null}
        <AuditAppendix data={data} />
      </Page>
    </Document>
  );
}

// ---------------------------------------------------------------------------------------------
// Small building blocks

/**
 * A PDF outline (bookmark) entry for a section. react-pdf supports `bookmark` on any node at
 * run time; its typings only declare it on <Page>.
 */
const outline = (title: string): object => ({ bookmark: { title, fit: true, expanded: true } });

function Fact({ label, children, mono }: { label: string; children: ReactNode; mono?: boolean }) {
  return (
    <View style={s.factRow} wrap={false}>
      <Text style={s.factLabel}>{label}</Text>
      <Text style={mono ? [s.factValue, s.mono, { fontSize: 8.2 }] : s.factValue}>{children}</Text>
    </View>
  );
}

function toneOf(step: Pick<ExportStep, "status" | "gateDecision" | "tracked">): Tone {
  if (!step.tracked) return "slate";
  if (step.gateDecision === "NO_GO") return "rose";
  switch (step.status) {
    case "DONE":
      return "emerald";
    case "SKIPPED":
      return "amber";
    case "FAILED":
      return "rose";
    case "IN_PROGRESS":
      return "sky";
    default:
      return "slate";
  }
}

const varianceColor = (minutes: number | null) => (minutes === null || Math.round(minutes) === 0 ? C.muted : minutes > 0 ? C.rose : C.emerald);

function durationText(minutes: number): string {
  const total = Math.round(minutes);
  if (total < 24 * 60) return minutesText(total);
  const days = Math.floor(total / (24 * 60));
  const rest = total - days * 24 * 60;
  return `${days} d${rest > 0 ? ` ${minutesText(rest)}` : ""}`;
}

function outcomeText(run: RunExportData["run"]): string {
  switch (run.status) {
    case "COMPLETED":
      return run.endReason ? "Ended early — the rest of the rehearsal was not run" : "Completed — the forward plan finished";
    case "ROLLED_BACK":
      return "Rolled back — the rollback steps finished after a No-Go";
    case "ABORTED":
      return "Aborted";
    default:
      return run.mode === "ROLLBACK" ? "In progress — rolling back after a No-Go" : "In progress";
  }
}

// ---------------------------------------------------------------------------------------------
// Cover

function Cover({ data }: { data: RunExportData }) {
  const { project, run, summary, audit } = data;
  const tz = project.timezone;
  const gates = summary.gates;
  const outcomeTone: Tone = run.status === "COMPLETED" ? "emerald" : run.status === "ACTIVE" ? "sky" : "amber";
  return (
    <View {...outline("Cover")}>
      <Text style={s.kicker}>RUNBOOK RECORD</Text>
      <Text style={s.title}>{t(project.name)}</Text>
      <Text style={s.subtitle}>
        {t(`${run.name} · ${RUN_KIND_LABELS[run.kind]} run · `)}
        <Text style={{ color: TONES[outcomeTone].fg, fontFamily: "Helvetica-Bold" }}>{t(outcomeText(run))}</Text>
      </Text>
      {project.description ? <Text style={[s.lead, { marginTop: 6, marginBottom: 0 }]}>{t(truncate(project.description, 600))}</Text> : null}

      <View style={s.facts}>
        <View style={s.twoCol}>
          <View style={[s.col, { paddingRight: 10 }]}>
            <Fact label="Source host" mono>
              {t(project.sourceHost)}
            </Fact>
            <Fact label="Target host" mono>
              {t(project.targetHost)}
            </Fact>
            <Fact label="Hostname strategy">{STRATEGY_LABELS[project.hostnameStrategy] ?? project.hostnameStrategy}</Fact>
            <Fact label="Product">{t(project.product)}</Fact>
            <Fact label="Media servers" mono>
              {project.mediaServers.length > 0 ? t(project.mediaServers.join(", ")) : "—"}
            </Fact>
          </View>
          <View style={s.col}>
            <Fact label="Run">{t(`${run.name} (${RUN_KIND_LABELS[run.kind]})`)}</Fact>
            {run.changeTicket ? <Fact label="Change ticket">{t(run.changeUrl ? `${run.changeTicket} · ${run.changeUrl}` : run.changeTicket)}</Fact> : null}
            <Fact label="Outcome">{t(`${outcomeText(run)} (status ${run.status}, mode ${run.mode})`)}</Fact>
            <Fact label="Started">{t(`${longDateTime(run.startedAt, tz)}${run.startedBy ? ` by ${run.startedBy}` : ""}`)}</Fact>
            <Fact label="Ended">{run.endedAt ? t(`${longDateTime(run.endedAt, tz)}${run.endedBy ? ` by ${run.endedBy}` : ""}`) : "Not yet — the run is still active"}</Fact>
            {run.endReason ? <Fact label={run.status === "ABORTED" ? "Why aborted" : "Why ended early"}>{t(run.endReason)}</Fact> : null}
            <Fact label="Duration">
              {run.endedAt ? durationText((run.endedAt.getTime() - run.startedAt.getTime()) / 60_000) : `${durationText((data.generatedAt.getTime() - run.startedAt.getTime()) / 60_000)} so far`}
            </Fact>
          </View>
        </View>
        <View style={{ borderTopWidth: 0.5, borderTopColor: C.hairline, marginTop: 3, paddingTop: 3 }}>
          <Fact label="Downtime window">{t(`${windowRange(run.windowStart, run.windowEnd, tz)} · ${tz} (${utcOffset(run.windowStart, tz)})`)}</Fact>
          {run.kind === "REHEARSAL" ? <Fact label="Live window">{t(`${windowRange(project.windowStart, project.windowEnd, tz)} (the rehearsal is measured against a window of the same length from its start)`)}</Fact> : null}
          <Fact label="Times in this record">{t(`All in ${tz} (${[...new Set([zoneName(run.windowStart, tz), zoneName(run.startedAt, tz), zoneName(data.generatedAt, tz)])].join(" / ")})`)}</Fact>
          <Fact label="Plan">
            {run.planHash
              ? t(`Version ${run.planVersion} of the plan, frozen when the run started; this record shows the run's own copy. SHA-256 of that copy:`)
              : "Frozen from the plan when versions were introduced (no version number)."}
          </Fact>
          {run.planHash ? <Text style={[s.hash, { marginLeft: 92, marginBottom: 3 }]}>{run.planHash}</Text> : null}
        </View>
      </View>

      <Text style={s.h2}>Go/No-Go decisions</Text>
      {gates.length === 0 ? (
        <Text style={s.small}>The plan has no go/no-go gates.</Text>
      ) : (
        <View style={s.table}>
          <View style={s.th} wrap={false}>
            <Text style={[s.thText, { width: 26, textAlign: "right" }]}>No.</Text>
            <Text style={[s.thText, { flex: 1 }]}>Gate</Text>
            <Text style={[s.thText, { width: 52 }]}>Decision</Text>
            <Text style={[s.thText, { width: 84 }]}>Decided by</Text>
            <Text style={[s.thText, { width: 92 }]}>When</Text>
          </View>
          {gates.map((gate) => {
            const tone = toneOf(gate);
            return (
              <View key={gate.id} style={[s.tr, { flexDirection: "column" }]} wrap={false}>
                <View style={{ flexDirection: "row" }}>
                  <Text style={[s.td, s.bold, { width: 26, textAlign: "right" }]}>{gate.number}</Text>
                  <Text style={[s.td, { flex: 1 }]}>{t(gate.title)}</Text>
                  <Text style={[s.td, s.bold, { width: 52, color: TONES[tone].fg }]}>{gate.gateDecision ? (gate.gateDecision === "GO" ? "GO" : "NO-GO") : gate.statusLabel}</Text>
                  <Text style={[s.td, { width: 84 }]}>{t(gate.decidedBy ?? gate.signedOffBy ?? "—")}</Text>
                  <Text style={[s.td, { width: 92 }]}>{mediumDateTime(gate.signedOffAt, tz)}</Text>
                </View>
                {gate.note ? <Text style={[s.td, { marginLeft: 26, marginTop: 1.5, color: C.muted, fontSize: 7.6 }]}>{t(`Note: ${gate.note}`)}</Text> : null}
                {gate.gateApprovals.length > 1 || gate.gateApprovals.some((a) => a.decision === "HOLD") ? (
                  <Text style={[s.td, { marginLeft: 26, marginTop: 1.5, color: C.muted, fontSize: 7.6 }]}>
                    {t(gate.gateApprovals.map((a) => `${a.decision === "GO" ? "Approved" : a.decision === "HOLD" ? "Held" : "No-Go"} by ${a.by}, ${mediumDateTime(a.at, tz)}${a.note ? `: ${a.note}` : ""}`).join("\n"))}
                  </Text>
                ) : null}
              </View>
            );
          })}
        </View>
      )}

      <View style={s.integrity} wrap={false}>
        <Text style={[s.bold, { fontSize: 9.5, color: C.ink, marginBottom: 4 }]}>Audit chain — tamper evidence (SHA-256)</Text>
        <Fact label="Run's last event">{audit.runHead ? `#${audit.runHead.seq}` : "No events recorded"}</Fact>
        {audit.runHead ? <Text style={[s.hash, { marginLeft: 92, marginBottom: 3 }]}>{audit.runHead.hash}</Text> : null}
        <Fact label="Chain head at export">{audit.chainHead ? `#${audit.chainHead.seq} (the newest event of the whole installation when this was generated)` : "Empty chain"}</Fact>
        {audit.chainHead ? <Text style={[s.hash, { marginLeft: 92, marginBottom: 3 }]}>{audit.chainHead.hash}</Text> : null}
        <Fact label="Signed head">
          {audit.signedHead
            ? `#${audit.signedHead.seq}, signed ${audit.signedHead.at} (Ed25519)`
            : "Not signed (no signing key): this record can't be checked against a signed checkpoint"}
        </Fact>
        {audit.signedHead ? (
          <>
            <Text style={[s.hash, { marginLeft: 92, marginBottom: 3 }]}>{audit.signedHead.headHash}</Text>
            <Fact label="Signing key" mono>
              {audit.signedHead.keyFingerprint}
            </Fact>
            {/* Two lines of 44: one 88-character word would be hyphenated, and a hyphen breaks the base64. */}
            <Fact label="Signature" mono>
              {`${audit.signedHead.signature.slice(0, 44)}\n${audit.signedHead.signature.slice(44)}`}
            </Fact>
          </>
        ) : null}
        <Fact label="Checked at export">
          {audit.invalidSeqs.length === 0
            ? `The ${count(audit.events.length)} events of this run (appendix) were re-hashed when this PDF was generated: all match.`
            : `MISMATCH: the stored hash of event(s) ${audit.invalidSeqs.slice(0, 10).map((n) => `#${n}`).join(", ")} does not match its content.`}
        </Fact>
        <Text style={[s.bold, { fontSize: 8, marginTop: 5, marginBottom: 2 }]}>How to verify</Text>
        {VERIFY_STEPS.map((step, i) => (
          <Text key={i} style={{ fontSize: 7.6, color: C.body, marginBottom: 1.5 }}>
            {`${i + 1}. ${step}`}
          </Text>
        ))}
        <Text style={{ fontSize: 7.2, color: C.muted, marginTop: 2 }}>{t(HASH_RECIPE)}</Text>
      </View>
    </View>
  );
}

// ---------------------------------------------------------------------------------------------
// Summary

function Tile({ value, label, tone }: { value: number; label: string; tone: Tone }) {
  return (
    <View style={[s.tile, { backgroundColor: TONES[tone].bg }]}>
      <Text style={[s.tileValue, { color: TONES[tone].fg }]}>{count(value)}</Text>
      <Text style={[s.tileLabel, { color: TONES[tone].fg }]}>{label}</Text>
    </View>
  );
}

function Summary({ data }: { data: RunExportData }) {
  const { summary: sm, run, project } = data;
  const tz = project.timezone;
  const variance = sm.actualMinutesOfFinished - sm.plannedMinutesOfFinished;
  const windowMinutes = (run.windowEnd.getTime() - run.windowStart.getTime()) / 60_000;
  const ww = sm.windowWork;
  return (
    <View break {...outline("Summary")}>
      <Text style={s.h1}>Summary</Text>
      <View style={s.tiles}>
        <Tile value={sm.done} label="steps done" tone="emerald" />
        <Tile value={sm.skipped} label="skipped" tone="amber" />
        <Tile value={sm.failed} label="failed" tone="rose" />
        <Tile value={sm.inProgress} label="in progress" tone="sky" />
        <Tile value={sm.pending} label={run.finished ? "not run" : "pending"} tone="slate" />
      </View>
      <Text style={s.small}>{`${count(sm.total)} steps in the plan${sm.tracked !== sm.total ? ` (${count(sm.total - sm.tracked)} added after this run started)` : ""}.`}</Text>

      <Text style={s.h2}>Planned and actual time</Text>
      <View style={s.table}>
        <SummaryRow label={`Planned, forward plan (${count(sm.forwardSteps)} steps)`} value={minutesText(sm.plannedMinutesForward)} />
        <SummaryRow label={`Planned, rollback steps (${count(sm.total - sm.forwardSteps)})`} value={minutesText(sm.plannedMinutesRollback)} />
        <SummaryRow label={`Done steps (${count(sm.finishedCount)}): planned`} value={minutesText(sm.plannedMinutesOfFinished)} />
        <SummaryRow label={`Done steps (${count(sm.finishedCount)}): actual`} value={minutesText(sm.actualMinutesOfFinished)} />
        <SummaryRow label="Variance (actual - planned)" value={varianceText(variance)} color={varianceColor(variance)} bold />
        <SummaryRow label="Downtime window" value={t(`${windowRange(run.windowStart, run.windowEnd, tz)} (${minutesText(windowMinutes)})`)} />
        <SummaryRow
          label="Work inside the window"
          value={ww.firstStart ? t(`${shortDateTime(ww.firstStart, tz)} – ${ww.lastFinish ? shortDateTime(ww.lastFinish, tz) : "ongoing"}${ww.lastFinish ? ` (${minutesText((ww.lastFinish.getTime() - ww.firstStart.getTime()) / 60_000)})` : ""}`) : "Not started"}
        />
      </View>

      <Text style={s.h2}>Planned vs actual by phase</Text>
      <PhaseChart phases={data.phases} />

      <Text style={s.h2}>Largest overruns</Text>
      {sm.overruns.length === 0 ? (
        <Text style={s.small}>{sm.finishedCount === 0 ? "No step is done yet." : "No step ran over its planned time."}</Text>
      ) : (
        <View style={s.table}>
          <View style={s.th}>
            <Text style={[s.thText, { width: 28, textAlign: "right" }]}>No.</Text>
            <Text style={[s.thText, { flex: 1 }]}>Step</Text>
            <Text style={[s.thText, { width: 56, textAlign: "right" }]}>Planned</Text>
            <Text style={[s.thText, { width: 56, textAlign: "right" }]}>Actual</Text>
            <Text style={[s.thText, { width: 60, textAlign: "right" }]}>Over by</Text>
          </View>
          {sm.overruns.map((step) => (
            <View key={step.id} style={s.tr} wrap={false}>
              <Text style={[s.td, s.bold, { width: 28, textAlign: "right" }]}>{step.number}</Text>
              <Text style={[s.td, { flex: 1 }]}>{t(step.title)}</Text>
              <Text style={[s.td, s.num, { width: 56 }]}>{minutesText(step.plannedMinutes)}</Text>
              <Text style={[s.td, s.num, { width: 56 }]}>{minutesText(step.actualMinutes)}</Text>
              <Text style={[s.td, s.num, s.bold, { width: 60, color: C.rose }]}>{varianceText(step.varianceMinutes)}</Text>
            </View>
          ))}
        </View>
      )}
    </View>
  );
}

function SummaryRow({ label, value, color, bold }: { label: string; value: string; color?: string; bold?: boolean }) {
  return (
    <View style={s.tr} wrap={false}>
      <Text style={[s.td, { width: 200, color: C.muted }]}>{label}</Text>
      <Text style={[s.td, { flex: 1, color: color ?? C.ink }, bold ? s.bold : {}]}>{value}</Text>
    </View>
  );
}

const CHART_WIDTH = CONTENT_WIDTH - 150 - 104;

/** Two bars per phase — planned (grey) and actual (indigo, red where over) — on one scale. */
function PhaseChart({ phases }: { phases: ExportPhase[] }) {
  const max = Math.max(1, ...phases.flatMap((p) => [p.plannedMinutes, p.actualMinutes]));
  const tick = niceTick(max);
  const ticks = Array.from({ length: Math.floor(max / tick) + 1 }, (_, i) => i * tick);
  const x = (minutes: number) => (minutes / max) * (CHART_WIDTH - 4);
  return (
    <View wrap={false}>
      {phases.map((phase) => {
        const over = phase.actualMinutes > phase.plannedMinutesOfFinished + 0.5 && phase.finishedCount > 0;
        const partial = phase.finishedCount < phase.steps.length;
        return (
          <View key={phase.id} style={s.chartRow}>
            <Text style={s.chartLabel}>{t(truncate(phase.title, 60))}</Text>
            <Svg width={CHART_WIDTH} height={20}>
              {ticks.map((v) => (
                <Line key={v} x1={x(v) + 0.5} y1={0} x2={x(v) + 0.5} y2={20} stroke={C.hairline} strokeWidth={0.5} />
              ))}
              <Rect x={0.5} y={3} width={Math.max(0.5, x(phase.plannedMinutes))} height={6} fill={C.planned} />
              <Rect x={0.5} y={11} width={Math.max(phase.actualMinutes > 0 ? 1 : 0, x(phase.actualMinutes))} height={6} fill={over ? C.rose : C.actual} />
            </Svg>
            <Text style={s.chartValues}>
              {`${minutesText(phase.plannedMinutes)} planned\n`}
              <Text style={{ color: over ? C.rose : C.ink }}>{phase.finishedCount === 0 ? "not run" : `${minutesText(phase.actualMinutes)} actual${partial ? ` (${phase.finishedCount}/${phase.steps.length})` : ""}`}</Text>
            </Text>
          </View>
        );
      })}
      <View style={[s.legend, { marginLeft: 150 }]}>
        <Svg width={CHART_WIDTH} height={10}>
          {ticks.map((v) => (
            <Line key={v} x1={x(v) + 0.5} y1={0} x2={x(v) + 0.5} y2={3} stroke={C.faint} strokeWidth={0.5} />
          ))}
        </Svg>
      </View>
      <View style={{ flexDirection: "row", marginLeft: 150, width: CHART_WIDTH, height: 9 }}>
        {ticks.map((v) => (
          <Text key={v} style={{ position: "absolute", left: v === 0 ? 0 : x(v) - 12, width: 24, textAlign: v === 0 ? "left" : "center", fontSize: 6.5, color: C.muted }}>
            {v === 0 ? "0" : minutesText(v)}
          </Text>
        ))}
      </View>
      <View style={[s.legend, { marginTop: 6 }]}>
        <Svg width={10} height={6}>
          <Rect x={0} y={0} width={10} height={6} fill={C.planned} />
        </Svg>
        <Text style={[s.small, { marginLeft: 3, marginRight: 12 }]}>planned (all steps of the phase)</Text>
        <Svg width={10} height={6}>
          <Rect x={0} y={0} width={10} height={6} fill={C.actual} />
        </Svg>
        <Text style={[s.small, { marginLeft: 3, marginRight: 12 }]}>actual (done steps)</Text>
        <Svg width={10} height={6}>
          <Rect x={0} y={0} width={10} height={6} fill={C.rose} />
        </Svg>
        <Text style={[s.small, { marginLeft: 3 }]}>actual over the plan of its done steps</Text>
      </View>
    </View>
  );
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function niceTick(max: number): number {
  const target = max / 5;
  for (const step of [5, 10, 15, 30, 60, 120, 180, 240, 360, 480, 720, 1440, 2880, 7200]) if (step >= target) return step;
  return Math.ceil(target / 1440) * 1440;
}

// ---------------------------------------------------------------------------------------------
// Phases and steps

function StepTableHeader() {
  return (
    <View style={s.stepTh} fixed>
      <Text style={[s.thText, { width: STEP_COLS.number, textAlign: "right" }]}>No.</Text>
      <Text style={[s.thText, { flex: 1 }]}>Step · kind · team · assignee</Text>
      <Text style={[s.thText, { width: STEP_COLS.planned, textAlign: "right" }]}>Planned</Text>
      <Text style={[s.thText, { width: STEP_COLS.actual, textAlign: "right" }]}>Actual</Text>
      <Text style={[s.thText, { width: STEP_COLS.variance, textAlign: "right" }]}>Variance</Text>
      <Text style={[s.thText, { width: STEP_COLS.status, paddingLeft: 9 }]}>Status · signed off</Text>
    </View>
  );
}

function PhaseSection({ phase, data }: { phase: ExportPhase; data: RunExportData }) {
  const partial = phase.finishedCount < phase.steps.length;
  return (
    <View style={s.phase} {...outline(t(phase.title))}>
      <View minPresenceAhead={70} wrap={false}>
        <View style={s.phaseHead}>
          <Text style={s.phaseTitle}>{t(phase.title)}</Text>
          <Text style={s.phaseMeta}>
            {t(
              `${phase.inWindow ? "inside the window" : "outside the window"} · ${phase.steps.length} steps · planned ${minutesText(phase.plannedMinutes)}${phase.finishedCount > 0 ? ` · actual ${minutesText(phase.actualMinutes)}${partial ? ` (${phase.finishedCount} done)` : ""}` : ""}`,
            )}
          </Text>
        </View>
        {phase.description ? <Text style={s.phaseDesc}>{t(phase.description)}</Text> : null}
      </View>
      <StepTableHeader />
      {phase.steps.length === 0 ? <Text style={[s.small, { padding: 6 }]}>No steps in this phase.</Text> : null}
      {phase.steps.map((step) => (
        <StepBlock key={step.id} step={step} data={data} />
      ))}
    </View>
  );
}

function StepBlock({ step, data }: { step: ExportStep; data: RunExportData }) {
  const tz = data.project.timezone;
  const tone = TONES[toneOf(step)];
  const kind = step.kind === "TASK" ? "" : KIND_LABELS[step.kind];
  const sub = [kind, step.isFleet ? "Fleet" : "", step.team ? `Team ${step.team}` : "", step.assigneeName ?? "Unassigned", step.predecessorNumbers.length > 0 ? `after ${step.predecessorNumbers.join(", ")}` : ""]
    .filter(Boolean)
    .join(" · ");
  const commandLines = step.commands.trim() ? wrapMonospace(t(step.commands.replace(/\s+$/, "")), CODE_CHARS, 2) : [];
  const details = step.details.trim() ? t(markdownToPlain(step.details)) : "";
  const closed = step.status === "DONE" || step.status === "SKIPPED" || step.status === "FAILED";
  // The status cell: outcome, who signed (or who is on it), and start → finish.
  const statusLines = [
    closed && step.signedOffBy ? step.signedOffBy : step.status === "IN_PROGRESS" && step.startedBy ? `started by ${step.startedBy}` : "",
    step.startedAt ? `${shortDateTime(step.startedAt, tz)} – ${step.finishedAt ? (sameDay(step.startedAt, step.finishedAt, tz) ? shortDateTime(step.finishedAt, tz).slice(-5) : shortDateTime(step.finishedAt, tz)) : "…"}` : "",
    closed && step.startedBy && step.signedOffBy && step.startedBy !== step.signedOffBy ? `started by ${step.startedBy}` : "",
  ].filter(Boolean);
  const hasDetail = step.recordedValues.length > 0 || step.evidence.length > 0 || step.fleetLine || step.note || step.reason || details || commandLines.length > 0 || step.verification || step.gateDecision || step.history.length > 0;
  // Keep short steps on one page; long ones (many command lines) may break inside their details.
  const estimatedLines = 3 + commandLines.length + Math.ceil((details.length + step.note.length + step.reason.length + step.verification.length) / 110);
  const breakable = estimatedLines > 28;
  const row = (
    <View style={hasDetail ? s.stepRow : [s.stepRow, s.step]} wrap={false} minPresenceAhead={breakable ? 40 : 0}>
      <Text style={s.stepNumber}>{step.number}</Text>
      <Text style={s.stepMain}>
        <Text style={s.stepTitle}>{t(step.title)}</Text>
        {`\n${t(sub)}`}
      </Text>
      <Text style={[s.stepCell, { width: STEP_COLS.planned }]}>{minutesText(step.plannedMinutes)}</Text>
      <Text style={[s.stepCell, { width: STEP_COLS.actual, color: step.actualMinutes === null ? C.faint : C.ink }]}>
        {step.actualMinutes !== null ? minutesText(step.actualMinutes) : step.elapsedMinutes !== null ? `${minutesText(step.elapsedMinutes)}…` : "—"}
      </Text>
      <Text style={[s.stepCell, { width: STEP_COLS.variance, color: varianceColor(step.varianceMinutes), fontFamily: step.varianceMinutes !== null && Math.round(step.varianceMinutes) > 0 ? "Helvetica-Bold" : "Helvetica" }]}>
        {step.varianceMinutes !== null ? varianceText(step.varianceMinutes) : "—"}
      </Text>
      <Text style={s.stepStatus}>
        <Text style={{ fontFamily: "Helvetica-Bold", fontSize: 8, color: tone.fg }}>{step.statusLabel.toUpperCase()}</Text>
        {statusLines.length > 0 ? t(`\n${statusLines.join("\n")}`) : ""}
      </Text>
    </View>
  );
  // Fewer PDF nodes per step keeps a 300-step run fast: a step without details is just its row.
  if (!hasDetail) return row;
  return (
    <View style={s.step} wrap={breakable}>
      {row}
      {step.gateDecision ? (
        <Text style={s.decision}>
          <Text style={s.bold}>
            {step.gateDecision === "GO"
              ? "Decision: GO"
              : data.run.status === "ABORTED" && data.run.mode === "FORWARD"
                ? "Decision: NO-GO — the run was aborted (nothing had changed; no rollback)"
                : "Decision: NO-GO — the run switched to its rollback steps"}
          </Text>
          {t(` — by ${step.decidedBy ?? step.signedOffBy ?? "?"}, ${shortDateTime(step.signedOffAt, tz)}${step.note ? `. ${step.note}` : ""}`)}
        </Text>
      ) : null}
      {step.recordedValues.length > 0 ? (
        <Text style={s.note}>
          <Text style={s.bold}>Recorded: </Text>
          {t(step.recordedValues.map((v) => `${v.label}: ${v.value}`).join(" · "))}
        </Text>
      ) : null}
      {step.fleetLine ? (
        <Text style={step.fleetExceptions.length > 0 ? s.reason : s.note}>
          <Text style={s.bold}>Clients: </Text>
          {t(step.fleetLine)}
          {step.fleetExceptions.length > 0 ? t(` (not done: ${step.fleetExceptions.slice(0, 20).map((e) => `${e.hostname} ${e.status.toLowerCase()}`).join(", ")}${step.fleetExceptions.length > 20 ? `, and ${step.fleetExceptions.length - 20} more` : ""})`) : ""}
        </Text>
      ) : null}
      {step.evidence.length > 0 ? (
        <View style={{ marginTop: 2, marginLeft: 26 }}>
          <Text style={[s.small, s.bold]}>Evidence</Text>
          {step.evidence.map((e) => (
            <View key={e.id} wrap={false} style={{ flexDirection: "row", marginTop: 2 }}>
              {e.image ? <Image src={e.image} style={{ width: 90, maxHeight: 68, objectFit: "contain", marginRight: 6 }} /> : null}
              <Text style={[s.small, { flex: 1 }]}>
                {t(`${e.client ? `${e.client}: ` : ""}${e.name} · ${e.size.toLocaleString("en-GB")} bytes · by ${e.by}, ${shortDateTime(e.at, tz)}`)}
                {"\n"}
                <Text style={s.hash}>{`SHA-256 ${e.sha256}`}</Text>
              </Text>
            </View>
          ))}
        </View>
      ) : null}
      {step.note && !step.gateDecision ? (
        <Text style={s.note}>
          <Text style={s.bold}>Note: </Text>
          {t(step.note)}
        </Text>
      ) : null}
      {step.reason ? (
        <Text style={step.status === "FAILED" ? s.failure : s.reason}>
          <Text style={s.bold}>{step.status === "FAILED" ? "Failure: " : step.status === "SKIPPED" ? "Skipped because: " : "Reason: "}</Text>
          {t(step.reason)}
        </Text>
      ) : null}
      {step.history.map((h, i) => (
        <Text key={i} style={h.kind === "failed" ? s.failure : s.reason}>
          <Text style={s.bold}>{h.kind === "failed" ? `Failed ${shortDateTime(h.at, tz)}` : `Sign-off undone ${shortDateTime(h.at, tz)}`}</Text>
          {t(` by ${h.actor}${h.text ? `: ${h.text}` : ""}${h.kind === "failed" ? " (re-run afterwards)" : ""}`)}
        </Text>
      ))}
      {details ? <Text style={s.details}>{details}</Text> : null}
      {commandLines.length > 0 ? <CommandBlock lines={commandLines} /> : null}
      {step.verification ? <Text style={s.check}>{t(`Check: ${step.verification}`)}</Text> : null}
    </View>
  );
}

/** Commands, hard-wrapped to the block; a grey » starts each continuation line. */
function CommandBlock({ lines }: { lines: { text: string; continued: boolean }[] }) {
  if (!lines.some((l) => l.continued)) return <Text style={s.code}>{lines.map((l) => keepIndent(l.text)).join("\n")}</Text>;
  return (
    <Text style={s.code}>
      {lines.map((line, i) => {
        const text = `${keepIndent(line.text)}${i < lines.length - 1 ? "\n" : ""}`;
        return line.continued ? (
          <Text key={i}>
            <Text style={s.codeMarker}>{`»${NBSP}`}</Text>
            {text}
          </Text>
        ) : (
          text
        );
      })}
    </Text>
  );
}

function sameDay(a: Date, b: Date, tz: string): boolean {
  return shortDateTime(a, tz).slice(0, -6) === shortDateTime(b, tz).slice(0, -6);
}

// ---------------------------------------------------------------------------------------------
// Fleet

const FLEET_WORDS: Record<string, string> = { PENDING: "pending", UPDATED: "updated", VERIFIED: "verified", FAILED: "FAILED" };
/**
 * The fleet: counts per fleet step, the clients that failed (with their reasons), then every
 * client with its status as an aligned monospace grid — thousands of clients stay a few pages
 * and a few hundred milliseconds.
 */
function FleetSection({ data }: { data: RunExportData }) {
  const fleet = data.fleet!;
  const tz = data.project.timezone;
  const multi = fleet.steps.length > 1;
  const failed = fleet.rows.flatMap((row) => row.cells.flatMap((cell, i) => (cell?.status === "FAILED" ? [{ row, cell, step: fleet.steps[i] }] : [])));
  const suffix = commonDomainSuffix(fleet.rows.map((r) => r.hostname));
  const names = fleet.rows.map((r) => t(suffix ? r.hostname.slice(0, -suffix.length) : r.hostname));
  // No row: an agentless client on a bp.conf or connectivity step is "n/a" (it has no agent), anything else was not in the run.
  const notApplicable = (row: (typeof fleet.rows)[number], action: string | null) => clientFamily(row) === "AGENTLESS" && AGENT_ONLY_ACTIONS.includes((action ?? "GENERIC") as FleetActionName);
  const statuses = fleet.rows.map((r) => r.cells.map((c, i) => (c ? FLEET_WORDS[c.status] : notApplicable(r, fleet.steps[i].action) ? "n/a" : "—")).join("/"));
  const hostWidth = Math.min(FLEET_CHARS - 12, Math.max(6, ...names.map((n) => n.length)));
  const statusWidth = Math.max(...statuses.map((st) => st.length), 6);
  const cellWidth = hostWidth + 1 + statusWidth + 1; // one NBSP of padding, then the breaking space
  const perLine = Math.max(1, Math.floor((FLEET_CHARS + 1) / (cellWidth + 1)));
  const items = names.map((name, i) => `${name}${NBSP.repeat(Math.max(1, hostWidth - name.length + 1))}${statuses[i]}`.padEnd(cellWidth, NBSP));
  // Bands of five grid lines, alternately shaded; each exactly `perLine` cells wide.
  const bandSize = perLine * 5;
  const bands: string[] = [];
  for (let i = 0; i < items.length; i += bandSize) bands.push(items.slice(i, i + bandSize).join(" "));
  const gridWidth = (perLine * (cellWidth + 1) - 1) * 0.6 * FLEET_FONT_SIZE + 1;
  return (
    <View break {...outline("Fleet")}>
      <Text style={s.h1}>Fleet: client status</Text>
      <Text style={s.lead}>{t(`Each backup client's state in this run for the fleet step${multi ? "s" : ""} of the plan. Times in ${tz}.`)}</Text>
      <View style={[s.table, { marginBottom: 6 }]}>
        <View style={s.th}>
          <Text style={[s.thText, { width: 28, textAlign: "right" }]}>No.</Text>
          <Text style={[s.thText, { flex: 1 }]}>Fleet step</Text>
          {(["VERIFIED", "UPDATED", "PENDING", "FAILED"] as const).map((k) => (
            <Text key={k} style={[s.thText, { width: 50, textAlign: "right" }]}>
              {FLEET_WORDS[k].toLowerCase()}
            </Text>
          ))}
          <Text style={[s.thText, { width: 50, textAlign: "right" }]}>clients</Text>
        </View>
        {fleet.steps.map((fs) => (
          <View key={fs.id} style={s.tr} wrap={false}>
            <Text style={[s.td, s.bold, { width: 28, textAlign: "right" }]}>{fs.number}</Text>
            <Text style={[s.td, { flex: 1 }]}>{t(fs.title)}</Text>
            {(["VERIFIED", "UPDATED", "PENDING", "FAILED"] as const).map((k) => (
              <Text key={k} style={[s.td, s.num, { width: 50, color: k === "FAILED" && fs.counts[k] > 0 ? C.rose : C.ink }, k === "FAILED" && fs.counts[k] > 0 ? s.bold : {}]}>
                {count(fs.counts[k])}
              </Text>
            ))}
            <Text style={[s.td, s.num, { width: 50 }]}>{count(fs.total)}</Text>
          </View>
        ))}
      </View>

      {failed.length > 0 ? (
        <View>
          <Text style={s.h2}>{`Clients that failed (${count(failed.length)})`}</Text>
          <View style={s.table}>
            <View style={s.th} fixed>
              <Text style={[s.thText, { width: 150 }]}>Client</Text>
              {multi ? <Text style={[s.thText, { width: 34 }]}>Step</Text> : null}
              <Text style={[s.thText, { width: 84 }]}>Updated by</Text>
              <Text style={[s.thText, { width: 62 }]}>When</Text>
              <Text style={[s.thText, { flex: 1 }]}>Reason</Text>
            </View>
            {failed.map(({ row, cell, step }) => (
              <View key={`${row.clientId}-${step.id}`} style={s.tr} wrap={false}>
                <Text style={[s.td, s.mono, { width: 150, fontSize: 7.4 }]}>{wrapMonospace(t(row.hostname), 30).map((l) => l.text).join("\n")}</Text>
                {multi ? <Text style={[s.td, { width: 34 }]}>{step.number}</Text> : null}
                <Text style={[s.td, { width: 84 }]}>{t(cell.updatedBy ?? "—")}</Text>
                <Text style={[s.td, { width: 62 }]}>{shortDateTime(cell.updatedAt, tz)}</Text>
                <Text style={[s.td, { flex: 1, color: C.rose }]}>{t(cell.reason || "No reason given")}</Text>
              </View>
            ))}
          </View>
        </View>
      ) : null}

      <Text style={s.h2}>{`All clients (${count(fleet.rows.length)}), by host name`}</Text>
      {fleet.rows.length === 0 ? (
        <Text style={s.small}>The project has no fleet clients.</Text>
      ) : (
        <View>
          <Text style={[s.small, { marginBottom: 3 }]}>
            {t(
              `Each entry: host name, then its status${multi ? ` for steps ${fleet.steps.map((fs) => fs.number).join(" / ")}` : ""}; "n/a": agentless (VMware, Hyper-V, NDMP…), not part of a bp.conf or connectivity step.${suffix ? ` Host names are shown without their common suffix “${suffix}”.` : ""}`,
            )}
          </Text>
          {bands.map((band, i) => (
            <Text key={i} style={[s.grid, { width: gridWidth + 8, backgroundColor: i % 2 === 1 ? C.panel : "#ffffff" }]}>
              {band}
            </Text>
          ))}
        </View>
      )}
    </View>
  );
}

// ---------------------------------------------------------------------------------------------
// Audit appendix

function AuditAppendix({ data }: { data: RunExportData }) {
  const { audit, project } = data;
  const tz = project.timezone;
  const columns: MonoColumn[] = [{ width: 6, align: "right" }, { width: 19 }, { width: 18 }, { width: 16 }, { width: AUDIT_CHARS - (6 + 19 + 18 + 16 + 4 * 2) }];
  const indent = NBSP.repeat(6 + 2);
  const header = monoRow(["Seq", "Time", "Actor", "Action", "What"], columns);
  return (
    <View break {...outline("Audit appendix")}>
      <Text style={s.h1}>Audit appendix</Text>
      <Text style={s.lead}>
        {t(
          `Every audit event of this run, oldest first (${count(audit.events.length)}), with its SHA-256 hash. An event links to the one listed above it unless a "prev" is shown: then other events (plan edits, other runs) came in between, and "prev" starts the hash it links to. The full before/after record of each event is in the JSON export. Times in ${tz}.`,
        )}
      </Text>
      {audit.events.length === 0 ? (
        <Text style={s.small}>No events recorded for this run.</Text>
      ) : (
        <View>
          <Text style={[s.monoHead, { fontSize: AUDIT_FONT_SIZE }]} fixed>
            {header.join("\n")}
          </Text>
          {chunk(audit.events, 4).map((group, g) => (
            <Text key={group[0].seq} style={[s.monoBand, { fontSize: AUDIT_FONT_SIZE, backgroundColor: g % 2 === 1 ? C.panel : "#ffffff" }]}>
              {group.map((event, j) => {
                const i = g * 4 + j;
                const last = j === group.length - 1;
                return [
                  `${monoRow([`#${event.seq}`, preciseDateTime(event.at, tz), t(event.actorName), auditActionLabel(event.action), t(event.summary)], columns).join("\n")}\n`,
                  <Text key={event.seq} style={event.hashValid ? s.hashLine : { color: C.rose }}>
                    {`${indent}sha256 ${event.hash}${i > 0 && audit.events[i - 1].hash === event.prevHash ? "" : `${NBSP}${NBSP}prev ${event.prevHash.slice(0, 16)}…`}${event.hashValid ? "" : `${NBSP}${NBSP}MISMATCH`}${last ? "" : "\n"}`}
                  </Text>,
                ];
              })}
            </Text>
          ))}
          <Text style={[s.small, { marginTop: 6 }]}>
            {audit.runHead ? t(`End of the run's events. Last event #${audit.runHead.seq}; chain head at export #${audit.chainHead?.seq ?? "—"}.`) : ""}
          </Text>
        </View>
      )}
    </View>
  );
}
