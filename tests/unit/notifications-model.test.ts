/** The notification rules with fixed clocks: readiness, overdue, deadline warnings, chasing. */
import { describe, expect, it } from "vitest";
import {
  approvalLinkProblem,
  chaseDecision,
  DEFAULT_TIMINGS,
  dueDeadlineWarning,
  eventEffect,
  overdueAt,
  publicOrigin,
  readySince,
  readySteps,
  stillStands,
  timingsFromEnv,
  type RunState,
  type RunStepState,
} from "@/lib/notifications/model";

const T0 = new Date("2026-12-05T01:00:00Z");
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

function step(id: string, over: Partial<RunStepState> = {}): RunStepState {
  return { stepRunId: `sr-${id}`, stepId: id, title: `Step ${id}`, kind: "TASK", position: Number(id.replace(/\D/g, "")) || 0, status: "PENDING", assigneeId: null, plannedMinutes: 20, predecessorIds: [], startedAt: null, finishedAt: null, ...over };
}
const run = (steps: RunStepState[], over: Partial<RunState> = {}): RunState => ({ status: "ACTIVE", mode: "FORWARD", startedAt: T0, steps, ...over });

describe("ready steps", () => {
  it("a step is ready when every predecessor is done or skipped, and only while pending", () => {
    const s1 = step("1", { status: "DONE", finishedAt: at(15) });
    const s2 = step("2", { predecessorIds: ["1"] });
    const s3 = step("3", { predecessorIds: ["1", "2"] });
    const s4 = step("4", { status: "IN_PROGRESS", startedAt: at(5) });
    expect(readySteps(run([s1, s2, s3, s4])).map((s) => s.stepId)).toEqual(["2"]);
    expect(readySteps(run([s1, { ...s2, status: "SKIPPED" }, s3])).map((s) => s.stepId)).toEqual(["3"]);
  });

  it("nothing is ready in an ended run; while rolling back only the next rollback step is", () => {
    const steps = [step("1"), step("8", { kind: "ROLLBACK" }), step("9", { kind: "ROLLBACK" })];
    expect(readySteps(run(steps, { status: "ABORTED" }))).toEqual([]);
    expect(readySteps(run(steps, { mode: "ROLLBACK" })).map((s) => s.stepId)).toEqual(["8"]);
    expect(readySteps(run(steps)).map((s) => s.stepId)).toEqual(["1"]);
  });

  it("ready since: the last predecessor's finish, or the run's start", () => {
    const s1 = step("1", { status: "DONE", finishedAt: at(15) });
    const s2 = step("2", { status: "DONE", finishedAt: at(25) });
    const s3 = step("3", { predecessorIds: ["1", "2"] });
    expect(readySince(s3, run([s1, s2, s3]))).toEqual(at(25));
    expect(readySince(s1, run([s1, s2, s3]))).toEqual(T0);
  });
});

describe("overdue", () => {
  it("a running step is overdue N minutes after start + planned minutes", () => {
    const s = step("1", { status: "IN_PROGRESS", startedAt: at(0), plannedMinutes: 20 });
    expect(overdueAt(s, run([s]), 10, false)).toEqual(at(30));
  });

  it("a ready, unstarted step is overdue N minutes after ready-since + planned minutes", () => {
    const s1 = step("1", { status: "DONE", finishedAt: at(15) });
    const s2 = step("2", { predecessorIds: ["1"], plannedMinutes: 5 });
    expect(overdueAt(s2, run([s1, s2]), 10, true)).toEqual(at(30));
  });

  it("blocked, finished, gate and ended-run steps are never overdue", () => {
    expect(overdueAt(step("1"), run([step("1")]), 10, false)).toBeNull();
    expect(overdueAt(step("1", { status: "DONE" }), run([]), 10, true)).toBeNull();
    expect(overdueAt(step("1", { kind: "GATE" }), run([]), 10, true)).toBeNull();
    expect(overdueAt(step("1", { status: "IN_PROGRESS", startedAt: at(0) }), run([], { status: "COMPLETED" }), 10, false)).toBeNull();
  });

  it("timings come from the environment, with bad values falling back", () => {
    expect(timingsFromEnv({ RUNSHEET_NOTIFY_OVERDUE_MINUTES: "15", RUNSHEET_NOTIFY_CHASE_MINUTES: "5" })).toMatchObject({ overdueMinutes: 15, chaseMinutes: 5 });
    expect(timingsFromEnv({ RUNSHEET_NOTIFY_OVERDUE_MINUTES: "ten", RUNSHEET_NOTIFY_CHASE_MINUTES: "0" })).toMatchObject({ overdueMinutes: 10, chaseMinutes: 10 });
  });
});

describe("rollback deadline warnings", () => {
  const deadline = at(60).getTime();
  it("none until T-30, then T-30, T-10, and passed", () => {
    expect(dueDeadlineWarning(deadline, at(29))).toBeNull();
    expect(dueDeadlineWarning(deadline, at(30))).toBe("T-30");
    expect(dueDeadlineWarning(deadline, at(49))).toBe("T-30");
    expect(dueDeadlineWarning(deadline, at(50))).toBe("T-10");
    expect(dueDeadlineWarning(deadline, at(60))).toBe("PASSED");
    expect(dueDeadlineWarning(null, at(60))).toBeNull();
  });
});

describe("chasing", () => {
  const ready = { kind: "READY", chaseCount: 0, lastSentAt: T0, acknowledgedAt: null, closedAt: null };
  it("waits the chase interval, chases twice, then escalates", () => {
    expect(chaseDecision(ready, at(9), DEFAULT_TIMINGS)).toBe("wait");
    expect(chaseDecision(ready, at(10), DEFAULT_TIMINGS)).toBe("chase");
    expect(chaseDecision({ ...ready, chaseCount: 1, lastSentAt: at(10) }, at(19), DEFAULT_TIMINGS)).toBe("wait");
    expect(chaseDecision({ ...ready, chaseCount: 1, lastSentAt: at(10) }, at(20), DEFAULT_TIMINGS)).toBe("chase");
    expect(chaseDecision({ ...ready, chaseCount: 2, lastSentAt: at(20) }, at(30), DEFAULT_TIMINGS)).toBe("escalate");
  });

  it("stops when acknowledged or closed, and never chases other kinds", () => {
    expect(chaseDecision({ ...ready, acknowledgedAt: at(1) }, at(60), DEFAULT_TIMINGS)).toBe("stop");
    expect(chaseDecision({ ...ready, closedAt: at(1) }, at(60), DEFAULT_TIMINGS)).toBe("stop");
    expect(chaseDecision({ ...ready, kind: "RUN_ENDED" }, at(60), DEFAULT_TIMINGS)).toBe("stop");
    expect(chaseDecision({ ...ready, kind: "OVERDUE" }, at(10), DEFAULT_TIMINGS)).toBe("chase");
  });

  it("'you're up' stands until the step starts; 'overdue' until it finishes", () => {
    expect(stillStands("READY", "PENDING")).toBe(true);
    expect(stillStands("READY", "IN_PROGRESS")).toBe(false);
    expect(stillStands("OVERDUE", "IN_PROGRESS")).toBe(true);
    expect(stillStands("OVERDUE", "DONE")).toBe(false);
  });
});

describe("audit events and links", () => {
  it("step and gate actions re-check readiness; run ends notify; other events are ignored", () => {
    expect(eventEffect("step.done")).toBe("steps-changed");
    expect(eventEffect("gate.go")).toBe("steps-changed");
    expect(eventEffect("run.start")).toBe("steps-changed");
    expect(eventEffect("run.complete")).toBe("run-ended");
    expect(eventEffect("run.abort")).toBe("run-ended");
    expect(eventEffect("auth.sign_in")).toBeNull();
    expect(eventEffect("notification.acknowledge")).toBeNull();
  });

  it("approval links: unknown, used and expired are refused", () => {
    expect(approvalLinkProblem(null, T0)).toBe("unknown");
    expect(approvalLinkProblem({ usedAt: T0, expiresAt: at(60) }, T0)).toBe("used");
    expect(approvalLinkProblem({ usedAt: null, expiresAt: T0 }, T0)).toBe("expired");
    expect(approvalLinkProblem({ usedAt: null, expiresAt: at(1) }, T0)).toBeNull();
  });

  it("links point at the public URL", () => {
    expect(publicOrigin({ RUNSHEET_PUBLIC_URL: "https://runsheet.example.com/some/path" })).toBe("https://runsheet.example.com");
    expect(publicOrigin({ BETTER_AUTH_URL: "https://auth.example.com" })).toBe("https://auth.example.com");
    expect(publicOrigin({ PORT: "3102" })).toBe("http://localhost:3102");
  });
});
