"use client";
import { bpconfInstructions, type BpconfPlan } from "@/lib/fleet/bpconf";
import { CommandBlock } from "../ui/copy-button";

/** The SERVER lines every client must end up with, and how to push them per client OS. */
export function BpconfBlock({ plan }: { plan: BpconfPlan }) {
  const how = bpconfInstructions({ plan });
  const mediaCount = plan.servers.length - 1;
  return (
    <details className="mt-3 rounded-lg bg-slate-50 p-3 ring-1 ring-slate-200 dark:bg-slate-950/40 dark:ring-slate-800">
      <summary className="cursor-pointer text-sm font-semibold">
        bp.conf server list: <span className="font-mono">SERVER = {plan.master}</span>
        {mediaCount > 0 ? ` + ${mediaCount} media server${mediaCount === 1 ? "" : "s"}` : ""}
      </summary>
      <div className="mt-2 space-y-3 text-sm">
        <div>
          <h4 className="font-semibold">Servers every client must list (master first{plan.keepPrevious ? `; ${plan.previousMaster} stays second until the final Go` : ""})</h4>
          <p className="text-xs text-slate-600 dark:text-slate-400">Other servers a client already lists (media servers, aliases, a second master) are kept: each command reads the client&apos;s list, changes only the names that move and writes it back.</p>
          <CommandBlock commands={how.text} />
        </div>
        {how.note ? <p className="rounded bg-amber-50 px-2 py-1 text-amber-900 dark:bg-amber-950 dark:text-amber-100">{how.note}</p> : null}
        <div>
          <h4 className="font-semibold">From the master, every client (UNIX and Windows): bpgetconfig, change, bpsetconfig, bptestbpcd</h4>
          <CommandBlock commands={how.pushAll} />
        </div>
        <div>
          <h4 className="font-semibold">On a UNIX client: /usr/openv/netbackup/bp.conf</h4>
          <CommandBlock commands={how.unix} />
        </div>
        <div>
          <h4 className="font-semibold">On a Windows client: registry value Server (multi-string)</h4>
          <CommandBlock commands={how.windows} />
        </div>
        <div>
          <h4 className="font-semibold">Verify</h4>
          <CommandBlock commands={how.verify} />
        </div>
        <p className="text-xs text-slate-600 dark:text-slate-400">Each client row has a copy button with the command for its own OS.</p>
      </div>
    </details>
  );
}
