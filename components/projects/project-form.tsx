"use client";
import { useRouter } from "next/navigation";
import { useMemo, useState, type FormEvent } from "react";
import { apiRequest } from "@/lib/platform/http/api-client";
import { utcToWallClock, wallClockToUtc } from "@/lib/platform/time";
import { NETBACKUP_VERSION_LABELS, NETBACKUP_VERSIONS, PLATFORM_PATH_LABELS, PLATFORM_PATHS, TICKET_PLACEHOLDER, type NetbackupVersionName as NetbackupVersion, type PlatformPathName as PlatformPath } from "@/lib/projects/model";
import { TemplatePicker, type ImportedPlan, type TemplateChoice } from "../templates/template-picker";
import { Button } from "../ui/button";
import { Field, FormError, Select, TextArea, TextInput } from "../ui/field";
import { useApiForm } from "../ui/use-api-form";

export interface ProjectFormValues {
  name: string;
  description: string;
  sourceHost: string;
  targetHost: string;
  product: string;
  hostnameStrategy: "KEEP" | "RENAME";
  netbackupVersion: NetbackupVersion;
  platformPath: PlatformPath;
  changeTicket: string;
  changeLinkTemplate: string;
  mediaServers: string;
  timezone: string;
  windowStart: string; // wall clock in `timezone`
  windowEnd: string;
  status?: string;
}

export function defaultProjectValues(): ProjectFormValues {
  // Next Saturday 09:00–18:00 in the browser's zone: the classic cutover window.
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  const now = new Date();
  const saturday = new Date(now.getTime() + (((6 - now.getDay() + 7) % 7 || 7) * 86_400_000));
  const day = utcToWallClock(saturday, zone).slice(0, 10);
  return {
    name: "",
    description: "",
    sourceHost: "",
    targetHost: "",
    product: "NetBackup",
    hostnameStrategy: "KEEP",
    netbackupVersion: "V10",
    platformPath: "SAME_PLATFORM",
    changeTicket: "",
    changeLinkTemplate: "",
    mediaServers: "",
    timezone: zone,
    windowStart: `${day}T09:00`,
    windowEnd: `${day}T18:00`,
  };
}

const DEFAULT_TEMPLATE: Record<ProjectFormValues["hostnameStrategy"], string> = { KEEP: "netbackup-keep-hostname", RENAME: "netbackup-rename-hostname" };

export function ProjectForm({
  mode,
  projectId,
  initial,
  templates = [],
  initialTemplate,
}: {
  mode: "create" | "edit";
  projectId?: string;
  initial: ProjectFormValues;
  /** Create mode: the built-in and saved templates to start from, with their previews. */
  templates?: TemplateChoice[];
  /** Create mode: preselected template (e.g. from a template page's "New project from this template"). */
  initialTemplate?: string;
}) {
  const router = useRouter();
  const [values, setValues] = useState(initial);
  const [template, setTemplate] = useState(initialTemplate ?? DEFAULT_TEMPLATE[initial.hostnameStrategy]);
  // Until the admin picks a template, the hostname strategy picks the matching NetBackup one.
  const [templateChosen, setTemplateChosen] = useState(initialTemplate !== undefined);
  const [imported, setImported] = useState<ImportedPlan | null>(null);
  const { errors, message, pending, submit } = useApiForm();
  // The browser's list leaves out aliases such as "UTC"; the current value must always be selectable.
  const zones = useMemo(() => {
    const listed = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
    return [...new Set([initial.timezone, "UTC", ...listed])].sort((a, b) => (a === "UTC" ? -1 : b === "UTC" ? 1 : a.localeCompare(b)));
  }, [initial.timezone]);

  const set = <K extends keyof ProjectFormValues>(key: K, value: ProjectFormValues[K]) => setValues((v) => ({ ...v, [key]: value }));
  const windowMinutes = useMemo(() => {
    const ms = wallClockToUtc(values.windowEnd, values.timezone).getTime() - wallClockToUtc(values.windowStart, values.timezone).getTime();
    return Number.isFinite(ms) && ms > 0 ? Math.round(ms / 60_000) : null;
  }, [values.windowStart, values.windowEnd, values.timezone]);

  function setStrategy(strategy: ProjectFormValues["hostnameStrategy"]) {
    set("hostnameStrategy", strategy);
    if (!templateChosen && templates.some((t) => t.id === DEFAULT_TEMPLATE[strategy])) setTemplate(DEFAULT_TEMPLATE[strategy]);
  }

  function chooseTemplate(value: string) {
    setTemplate(value);
    setTemplateChosen(true);
  }

  /** A run export carries its project: fill the fields the admin hasn't typed yet. */
  function applyImported(plan: ImportedPlan | null) {
    setImported(plan);
    if (!plan) return;
    const from = plan.project ?? {};
    setValues((v) => ({
      ...v,
      name: v.name || from.name || plan.document.name,
      description: v.description || from.description || "",
      sourceHost: v.sourceHost || from.sourceHost || "",
      targetHost: v.targetHost || from.targetHost || "",
      product: from.product && v.product === "NetBackup" ? from.product : v.product,
      hostnameStrategy: from.hostnameStrategy ?? v.hostnameStrategy,
      mediaServers: v.mediaServers || (from.mediaServers ?? []).join(", "),
      timezone: from.timezone && zones.includes(from.timezone) ? from.timezone : v.timezone,
    }));
  }

  async function save(event: FormEvent) {
    event.preventDefault();
    const start = wallClockToUtc(values.windowStart, values.timezone);
    const end = wallClockToUtc(values.windowEnd, values.timezone);
    const body = {
      name: values.name,
      description: values.description,
      sourceHost: values.sourceHost,
      targetHost: values.targetHost,
      product: values.product,
      hostnameStrategy: values.hostnameStrategy,
      netbackupVersion: values.netbackupVersion,
      platformPath: values.platformPath,
      changeTicket: values.changeTicket,
      changeLinkTemplate: values.changeLinkTemplate,
      mediaServers: values.mediaServers.split(/[\s,]+/).filter(Boolean),
      timezone: values.timezone,
      windowStart: Number.isNaN(start.getTime()) ? values.windowStart : start.toISOString(),
      windowEnd: Number.isNaN(end.getTime()) ? values.windowEnd : end.toISOString(),
      ...(mode === "create" ? { template, ...(template === "import" && imported ? { document: imported.document } : {}) } : { status: values.status }),
    };
    const result = await submit(() => (mode === "create" ? apiRequest<{ id: string }>("POST", "/api/projects", body) : apiRequest<{ id: string }>("PATCH", `/api/projects/${projectId}`, body)));
    if (!result.ok) return;
    router.push(`/projects/${result.data.id}`);
    router.refresh();
  }

  return (
    <form onSubmit={save} className="space-y-6" noValidate>
      <FormError message={message} />
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Project name" error={errors.name} className="sm:col-span-2">
          {(a) => <TextInput {...a} value={values.name} onChange={(e) => set("name", e.target.value)} placeholder="NetBackup master rehost — nbu-master1" />}
        </Field>
        <Field label="Description" error={errors.description} className="sm:col-span-2">
          {(a) => <TextArea {...a} rows={3} value={values.description} onChange={(e) => set("description", e.target.value)} />}
        </Field>
        <Field label="Source host" error={errors.sourceHost}>
          {(a) => <TextInput {...a} className="font-mono" value={values.sourceHost} onChange={(e) => set("sourceHost", e.target.value)} placeholder="nbu-master1" />}
        </Field>
        <Field label="Target host" error={errors.targetHost}>
          {(a) => <TextInput {...a} className="font-mono" value={values.targetHost} onChange={(e) => set("targetHost", e.target.value)} placeholder="nbu-master2" />}
        </Field>
        <Field label="Product" error={errors.product}>
          {(a) => <TextInput {...a} value={values.product} onChange={(e) => set("product", e.target.value)} />}
        </Field>
        <Field label="Hostname strategy" error={errors.hostnameStrategy} hint="Keeping the hostname is strongly advised: a rename touches every client's bp.conf.">
          {(a) => (
            <Select {...a} value={values.hostnameStrategy} onChange={(e) => setStrategy(e.target.value as "KEEP" | "RENAME")}>
              <option value="KEEP">Keep the hostname</option>
              <option value="RENAME">Rename the hostname</option>
            </Select>
          )}
        </Field>
        <Field label="NetBackup version" error={errors.netbackupVersion} hint="8.1 and later add host certificates and the DR package passphrase to the move.">
          {(a) => (
            <Select {...a} value={values.netbackupVersion} onChange={(e) => set("netbackupVersion", e.target.value as NetbackupVersion)}>
              {NETBACKUP_VERSIONS.map((v) => (
                <option key={v} value={v}>
                  {NETBACKUP_VERSION_LABELS[v]}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Field label="New server's platform" error={errors.platformPath} hint="tar of /usr/openv works only for the same OS and CPU architecture.">
          {(a) => (
            <Select {...a} value={values.platformPath} onChange={(e) => set("platformPath", e.target.value as PlatformPath)}>
              {PLATFORM_PATHS.map((p) => (
                <option key={p} value={p}>
                  {PLATFORM_PATH_LABELS[p]}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Field label="Change ticket" error={errors.changeTicket} hint="The change request this cutover runs under, e.g. CHG0031337.">
          {(a) => <TextInput {...a} className="font-mono" value={values.changeTicket} onChange={(e) => set("changeTicket", e.target.value)} placeholder="CHG0031337" />}
        </Field>
        <Field label="Change link template" error={errors.changeLinkTemplate} hint={`A URL with ${TICKET_PLACEHOLDER} where the number goes; leave empty for no link.`}>
          {(a) => <TextInput {...a} className="font-mono" value={values.changeLinkTemplate} onChange={(e) => set("changeLinkTemplate", e.target.value)} placeholder={`https://acme.service-now.com/change_request.do?sysparm_query=number=${TICKET_PLACEHOLDER}`} />}
        </Field>
        <Field label="Media servers" error={errors.mediaServers ?? errors["mediaServers.0"]} hint="Listed after the master on clients' SERVER lines. Separate with commas." className="sm:col-span-2">
          {(a) => <TextInput {...a} className="font-mono" value={values.mediaServers} onChange={(e) => set("mediaServers", e.target.value)} placeholder="nbu-media1, nbu-media2" />}
        </Field>
        <Field label="Time zone" error={errors.timezone} className="sm:col-span-2">
          {(a) => (
            <Select {...a} value={values.timezone} onChange={(e) => set("timezone", e.target.value)}>
              {zones.map((zone) => (
                <option key={zone} value={zone}>
                  {zone}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Field label="Downtime window starts" error={errors.windowStart} hint={`In ${values.timezone}.`}>
          {(a) => <TextInput {...a} type="datetime-local" value={values.windowStart} onChange={(e) => set("windowStart", e.target.value)} />}
        </Field>
        <Field label="Downtime window ends" error={errors.windowEnd} hint={`In ${values.timezone}.`}>
          {(a) => <TextInput {...a} type="datetime-local" value={values.windowEnd} onChange={(e) => set("windowEnd", e.target.value)} />}
        </Field>
        {mode === "edit" ? (
          <Field label="Status" error={errors.status}>
            {(a) => (
              <Select {...a} value={values.status} onChange={(e) => set("status", e.target.value)}>
                {["PLANNING", "REHEARSAL", "LIVE", "COMPLETED", "ROLLED_BACK", "CANCELLED"].map((s) => (
                  <option key={s} value={s}>
                    {s.replace("_", " ").toLowerCase().replace(/^./, (c) => c.toUpperCase())}
                  </option>
                ))}
              </Select>
            )}
          </Field>
        ) : null}
      </div>

      {mode === "create" ? (
        <TemplatePicker
          choices={templates}
          value={template}
          onChange={chooseTemplate}
          imported={imported}
          onImported={applyImported}
          windowMinutes={windowMinutes}
          variant={{ version: values.netbackupVersion, path: values.platformPath }}
          error={[...(errors.template ?? []), ...Object.entries(errors).filter(([key]) => key === "document" || key.startsWith("document.")).map(([key, messages]) => `${key === "document" ? "" : `${key.slice("document.".length)}: `}${messages.join(" ")}`)]}
        />
      ) : null}

      <div className="flex gap-3">
        <Button type="submit" disabled={pending}>
          {pending ? "Saving…" : mode === "create" ? "Create project" : "Save changes"}
        </Button>
        <Button variant="secondary" onClick={() => router.back()}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
