/** The change request a cutover runs under, linked to the change system when the project has a link template. */
export function ChangeTicket({ ticket, url }: { ticket: string; url: string | null }) {
  if (!ticket) return <span className="font-sans text-slate-500">none</span>;
  if (!url) return <span>{ticket}</span>;
  return (
    <a href={url} target="_blank" rel="noopener noreferrer" className="text-indigo-700 underline dark:text-indigo-300">
      {ticket}
      <span className="sr-only"> (opens the change request in a new tab)</span>
    </a>
  );
}
